// `npm run config:example`: rewrites .env.example from the schema.
import { writeFileSync } from 'node:fs';
import { renderEnvExample } from './env-example.js';

writeFileSync('.env.example', renderEnvExample());
console.log('wrote .env.example');
