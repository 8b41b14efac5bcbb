import type { Command } from '../usage';
import { consoleCommand } from './console';
import { invoiceCommand } from './invoice';
import { paymentsCommand } from './payments';
import { priceCommand } from './price';
import { reportCommand } from './report';
import { sendCommand } from './send';
import { validateCommand } from './validate';

export const commands: Command[] = [validateCommand, priceCommand, invoiceCommand, sendCommand, paymentsCommand, reportCommand, consoleCommand];
