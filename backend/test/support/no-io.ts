import childProcess from 'node:child_process';
import dgram from 'node:dgram';
import net from 'node:net';

/**
 * Setup file of the unit tier (jest.unit.config.js): unit tests do no I/O. Opening a connection (a database,
 * HTTP, fetch), listening on a port or starting a process throws, naming the tier the test belongs in.
 */
function refuse(what: string): () => never {
  return () => {
    throw new Error(`unit tests do no I/O, yet this one tried ${what}: move it to backend/test/integration`);
  };
}

net.Socket.prototype.connect = refuse('to open a network connection (a database, HTTP, fetch)');
net.Server.prototype.listen = refuse('to listen on a port');
dgram.Socket.prototype.bind = refuse('to bind a UDP socket');
dgram.Socket.prototype.send = refuse('to send a UDP datagram');
// spawn, exec, execFile and fork all go through ChildProcess#spawn (not in Node's type declarations).
(childProcess.ChildProcess.prototype as unknown as { spawn: () => never }).spawn = refuse('to start a process');
