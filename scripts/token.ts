// `npm run token -- --org demo --scopes cache:read,cache:write`: prints an access token signed with the
// development key (.data/dev-jwt, shared with the gateway's default). Only the token goes to stdout.
import { parseTokenArguments, signDevelopmentToken, TOKEN_USAGE, TokenUsageError } from '@map-offline/auth';

async function main(): Promise<number> {
  let command;
  try {
    command = parseTokenArguments(process.argv.slice(2));
  } catch (error: unknown) {
    if (!(error instanceof TokenUsageError)) throw error;
    process.stderr.write(`token: ${error.message}\n\n${TOKEN_USAGE}\n`);
    return 2;
  }
  if (command.kind === 'help') {
    process.stdout.write(`${TOKEN_USAGE}\n`);
    return 0;
  }
  process.stdout.write(`${await signDevelopmentToken(command.request)}\n`);
  return 0;
}

main().then(
  (exitCode) => {
    process.exitCode = exitCode;
  },
  (error: unknown) => {
    process.stderr.write(`token: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
