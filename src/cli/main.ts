#!/usr/bin/env node
import { registerCatalogueCommands } from './commands/catalogue.js';
import { registerCoreCommands } from './commands/core.js';
import { registerPeopleCommands } from './commands/people.js';
import { reportError } from './connection.js';
import { createProgram } from './program.js';

const cli = createProgram();
registerCoreCommands(cli);
registerPeopleCommands(cli);
registerCatalogueCommands(cli);

cli.program.parseAsync().catch((error: unknown) => reportError(error, cli.globals().json === true));
