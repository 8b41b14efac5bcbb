import type { Command } from '../usage';
import { invoiceCommand } from './invoice';
import { priceCommand } from './price';
import { validateCommand } from './validate';

export const commands: Command[] = [validateCommand, priceCommand, invoiceCommand];
