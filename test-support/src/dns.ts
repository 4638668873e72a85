import { createSocket } from 'node:dgram';

export interface DnsServer {
  /** host:port, for nginx's `resolver`. */
  address: string;
  stop(): Promise<void>;
}

/**
 * A DNS server for one name on loopback: it answers A queries for `name` with `addresses` (TTL 1 s) and
 * nothing else. Enough for nginx's `resolver` to find several backend replicas, as Docker's DNS does.
 */
export async function startDns(name: string, addresses: string[]): Promise<DnsServer> {
  const socket = createSocket('udp4');
  const wanted = name.toLowerCase();
  socket.on('message', (query, peer) => {
    if (query.length < 17) return;
    // Question: labels from offset 12, then QTYPE and QCLASS.
    const labels: string[] = [];
    let i = 12;
    while (i < query.length && query[i] !== 0) {
      const len = query[i]!;
      labels.push(query.subarray(i + 1, i + 1 + len).toString('latin1'));
      i += len + 1;
    }
    const questionEnd = i + 5;
    if (questionEnd > query.length) return;
    const qtype = query.readUInt16BE(i + 1);
    const match = labels.join('.').toLowerCase() === wanted && qtype === 1;
    const answers = match ? addresses : [];
    const header = Buffer.alloc(12);
    query.copy(header, 0, 0, 2); // id
    header.writeUInt16BE(0x8400 | (match || labels.join('.').toLowerCase() === wanted ? 0 : 3), 2); // response, authoritative, NXDOMAIN if unknown
    header.writeUInt16BE(1, 4); // one question
    header.writeUInt16BE(answers.length, 6);
    const records = answers.map((ip) => {
      const r = Buffer.alloc(16);
      r.writeUInt16BE(0xc00c, 0); // pointer to the question's name
      r.writeUInt16BE(1, 2); // A
      r.writeUInt16BE(1, 4); // IN
      r.writeUInt32BE(1, 6); // TTL
      r.writeUInt16BE(4, 10);
      ip.split('.').forEach((octet, k) => r.writeUInt8(Number(octet), 12 + k));
      return r;
    });
    socket.send(Buffer.concat([header, query.subarray(12, questionEnd), ...records]), peer.port, peer.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return {
    address: `127.0.0.1:${socket.address().port}`,
    stop: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
