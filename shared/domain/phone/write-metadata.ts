import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import min from 'libphonenumber-js/metadata.min.json';
import { stripFormats, type PhoneMetadata } from './strip-metadata';

/** `npm run phone-metadata`: regenerates ./metadata.json after a libphonenumber-js upgrade. */
writeFileSync(join(__dirname, 'metadata.json'), `${JSON.stringify(stripFormats(min as unknown as PhoneMetadata))}\n`);
console.log('wrote shared/domain/phone/metadata.json');
