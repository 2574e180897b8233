export default async function globalTeardown(): Promise<void> {
  const instances = (globalThis as { __crmDynamo?: { stop(): Promise<void> }[] }).__crmDynamo ?? [];
  await Promise.all(instances.map((d) => d.stop()));
}
