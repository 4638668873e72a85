#!/usr/bin/env node
// A hostile Socket.IO client in a process of its own (so its CPU is not the measuring process's): sends
// one kind of frame as fast as it can, and prints one JSON line at the end:
//   {"sent":N,"connections":N,"errors":[{code,message}…],"reasons":["io server disconnect"…]}
//   node test-support/bin/socket-flooder.mjs <url> [--kind=watch] [--seconds=8] [--reconnect]
// Kinds: watch (`stories:watch` with 100 random ids), unknown-event, malformed (a watch payload of the
// wrong shape), ack (acks nobody asked for), namespace (connects to a namespace that does not exist),
// heartbeat (engine.io pongs). Without --reconnect it ends when the server closes it.
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { io } from 'socket.io-client';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { kind: { type: 'string', default: 'watch' }, seconds: { type: 'string', default: '8' }, reconnect: { type: 'boolean' } },
});
const url = positionals[0];
const ids = () => Array.from({ length: 100 }, () => randomBytes(12).toString('hex'));
/** How each kind sends one frame on a connected socket. */
const frames = {
  watch: (s) => s.emit('stories:watch', ids()),
  'unknown-event': (s, n) => s.emit(`nope:${n % 1000}`, ids()),
  malformed: (s) => s.emit('stories:watch', { ids: ids() }),
  ack: (s, n) => s.io.engine.write(`3${n}[${JSON.stringify(ids())}]`),
  namespace: (s, n) => s.io.engine.write(`0/nope${n % 1000},`),
  heartbeat: (s) => s.io.engine._sendPacket('pong'),
};
const send = frames[values.kind];
if (!url || !send) {
  process.stderr.write(`usage: socket-flooder.mjs <url> [--kind=${Object.keys(frames).join('|')}] [--seconds=8] [--reconnect]\n`);
  process.exit(2);
}

const end = Date.now() + Number(values.seconds) * 1000;
const outcome = { sent: 0, connections: 0, errors: [], reasons: [] };
let socket = null;
const finish = () => {
  if (socket?.connected) outcome.reasons.push('still connected');
  process.stdout.write(`${JSON.stringify(outcome)}\n`);
  process.exit(0);
};
const next = () => (values.reconnect && Date.now() < end ? setTimeout(open, 50) : finish());

function open() {
  outcome.connections++;
  socket = io(url, { transports: ['websocket'], reconnection: false, forceNew: true });
  socket.on('socket:error', (error) => outcome.errors.push(error));
  socket.on('connect', function flood() {
    if (!socket.connected || Date.now() >= end) return;
    for (let i = 0; i < 50; i++) send(socket, outcome.sent++);
    setImmediate(flood);
  });
  socket.on('disconnect', (reason) => {
    outcome.reasons.push(reason);
    next();
  });
  socket.on('connect_error', (error) => {
    outcome.reasons.push(`connect_error: ${error.message}`);
    next();
  });
}

setTimeout(finish, Number(values.seconds) * 1000 + 200);
open();
