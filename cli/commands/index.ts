import type { Command } from '../usage';
import { validateCommand } from './validate';

export const commands: Command[] = [validateCommand];
