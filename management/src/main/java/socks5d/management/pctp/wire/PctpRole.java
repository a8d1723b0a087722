package socks5d.management.pctp.wire;

import java.util.Optional;

/**
 * The roles of {@code ADD ADMIN|BASIC} and of LIST's second column (docs/protocols/pctp.md, ADD and
 * LIST).
 */
public enum PctpRole {
    ADMIN("ADMIN", "Admin"),
    BASIC("BASIC", "Basic");

    private final String keyword;
    private final String display;

    PctpRole(String keyword, String display) {
        this.keyword = keyword;
        this.display = display;
    }

    /** The word in {@code ADD <rol>}. */
    public String keyword() {
        return keyword;
    }

    /** The word in a LIST line: {@code name<TAB>Admin}. */
    public String display() {
        return display;
    }

    public static Optional<PctpRole> fromKeyword(String word) {
        for (PctpRole r : values()) {
            if (r.keyword.equalsIgnoreCase(word)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }
}
