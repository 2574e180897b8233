export default async function globalTeardown(): Promise<void> {
  const ddb = (globalThis as { __crmDynamo?: { stop(): Promise<void> } }).__crmDynamo;
  await ddb?.stop();
}
