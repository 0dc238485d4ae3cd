import * as operations from './operations';
import { resourceDescription } from '../resource';

export { operations };

export const description = resourceDescription('authConfig', operations, 'getAll');
