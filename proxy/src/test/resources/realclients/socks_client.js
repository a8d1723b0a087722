// CONNECT, BIND and UDP ASSOCIATE through socks5d with the npm package 'socks' (SocksClient), with
// RFC 1929 username/password. Run by RealClientsUdpBindIT with NODE_PATH pointing at
// proxy/src/test/node/node_modules.
//
// usage: node socks_client.js PROXY_HOST PROXY_PORT USER PASSWORD TCP_ECHO_PORT UDP_ECHO_PORT
// Prints one line per step; exits 0 when all three worked, 1 on an error or after 15 s.
'use strict';
const net = require('net');
const dgram = require('dgram');
const { SocksClient } = require('socks');

const [host, port, user, password, tcpEcho, udpEcho] = process.argv.slice(2);
const proxy = { host, port: Number(port), type: 5, userId: user, password };
const loopback = '127.0.0.1';

setTimeout(() => { console.log('timed out'); process.exit(1); }, 15000).unref();

function once(emitter, event) {
  return new Promise((resolve, reject) => {
    emitter.once(event, resolve);
    emitter.once('error', reject);
  });
}

async function connect() {
  const { socket } = await SocksClient.createConnection({
    proxy, command: 'connect', destination: { host: loopback, port: Number(tcpEcho) },
  });
  socket.write('hello via CONNECT');
  const data = await once(socket, 'data');
  console.log(`CONNECT: echo ${JSON.stringify(data.toString())}`);
  socket.destroy();
}

async function bind() {
  const client = new SocksClient({ proxy, command: 'bind', destination: { host: loopback, port: 0 } });
  const bound = once(client, 'bound');
  const established = once(client, 'established');
  client.connect();
  const { remoteHost: listening } = await bound;
  console.log(`BIND: first reply, proxy listens on ${listening.host}:${listening.port}`);
  const peer = net.connect({ host: listening.host, port: listening.port, localAddress: loopback });
  await once(peer, 'connect');
  const { socket, remoteHost: from } = await established;
  console.log(`BIND: second reply, peer ${from.host}:${from.port === peer.localPort ? '<peer port>' : from.port}`);
  peer.write('from the peer');
  console.log(`BIND: client received ${JSON.stringify((await once(socket, 'data')).toString())}`);
  socket.write('to the peer');
  console.log(`BIND: peer received ${JSON.stringify((await once(peer, 'data')).toString())}`);
  socket.destroy();
  peer.destroy();
}

async function associate() {
  const udp = dgram.createSocket('udp4');
  await new Promise((resolve) => udp.bind(0, loopback, resolve));
  const client = new SocksClient({
    proxy, command: 'associate', destination: { host: '0.0.0.0', port: 0 },
  });
  const established = once(client, 'established');
  client.connect();
  const { socket, remoteHost: relay } = await established;
  console.log(`UDP ASSOCIATE: relay ${relay.host}:<port>`);
  const answer = once(udp, 'message');
  udp.send(SocksClient.createUDPFrame({
    remoteHost: { host: loopback, port: Number(udpEcho) }, data: Buffer.from('datagram via socks5d'),
  }), relay.port, relay.host);
  const frame = SocksClient.parseUDPFrame(await answer);
  const sender = frame.remoteHost.port === Number(udpEcho) ? '<echo port>' : frame.remoteHost.port;
  console.log(`UDP ASSOCIATE: frame ${frame.frameNumber} from ${frame.remoteHost.host}:${sender} ${JSON.stringify(frame.data.toString())}`);
  udp.close();
  socket.destroy();
}

(async () => {
  await connect();
  await bind();
  await associate();
  console.log('OK');
})().catch((e) => { console.log(`failed: ${e.message}`); process.exit(1); });
