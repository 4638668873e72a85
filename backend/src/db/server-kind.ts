import type { Connection } from 'mongoose';

/** Whether the server is the in-memory stand-in (it names itself in buildInfo's version), as the tests run it behind MONGODB_URI. */
export async function isStandIn(connection: Connection): Promise<boolean> {
  try {
    const info = await connection.db?.admin().command({ buildInfo: 1 });
    return String(info?.['version'] ?? '').includes('jongodb');
  } catch {
    return false; // a server that will not say is taken for MongoDB
  }
}
