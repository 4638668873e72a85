export default async function globalTeardown() {
  await Promise.all((globalThis.__storyflowTestDbs ?? []).map((db) => db.stop()));
}
