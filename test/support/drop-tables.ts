import { dropTables } from './endpoint';

// After each test file: its tables go (setupFilesAfterEach in jest.config.js).
afterAll(async () => {
  await dropTables();
});
