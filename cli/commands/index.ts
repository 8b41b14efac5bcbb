import type { Command } from '../usage';
import { priceCommand } from './price';
import { validateCommand } from './validate';

export const commands: Command[] = [validateCommand, priceCommand];
