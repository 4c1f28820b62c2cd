import { createAdmin } from './cli/create-admin.js';
import { migrate } from './cli/migrate.js';
import { serve } from './cli/serve.js';
import { ConfigError, loadEnv } from './env.js';

/**
 * kapmap's one entry command, the same in a checkout (`pnpm start`), the bare bundle and the image:
 *
 *   kapmap serve                 the API, the web app and the email worker (the default)
 *   kapmap migrate               apply the migrations and reference data, then exit
 *   kapmap create-admin --email you@example.org --name "Your Name"
 *
 * Settings come from the environment (env.ts); a bad one stops the command with exit code 2.
 */
const USAGE = 'Usage: kapmap [serve | migrate | create-admin --email you@example.org --name "Your Name"]';

const [command = 'serve', ...args] = process.argv.slice(2);
try {
  const env = loadEnv();
  if (command === 'serve') await serve(env);
  else if (command === 'migrate') console.log(await migrate(env));
  else if (command === 'create-admin') console.log(await createAdmin(args, env));
  else throw new ConfigError(`kapmap: no command "${command}".\n${USAGE}`);
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(2);
  }
  console.error(error);
  process.exit(1);
}
