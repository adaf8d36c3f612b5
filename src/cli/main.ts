#!/usr/bin/env node
import { registerAccountCommands } from './commands/accounts.js';
import { registerAuthCommands } from './commands/auth.js';
import { registerCatalogueCommands } from './commands/catalogue.js';
import { registerCoreCommands } from './commands/core.js';
import { registerGameCommands } from './commands/game.js';
import { registerPeopleCommands } from './commands/people.js';
import { registerPictureCommands } from './commands/pictures.js';
import { reportError } from './connection.js';
import { createProgram } from './program.js';

const cli = createProgram();
registerCoreCommands(cli);
registerAuthCommands(cli);
registerPeopleCommands(cli);
registerCatalogueCommands(cli);
registerGameCommands(cli);
registerPictureCommands(cli);
registerAccountCommands(cli);

cli.program.parseAsync().catch((error: unknown) => reportError(error, cli.globals().json === true));
