import { builder } from './builder.js';
import './error-types.js';
import '../modules/directory/index.js';
import '../modules/accounts/index.js';
import '../modules/listings/index.js';
import '../modules/referrals/index.js';

/** The whole schema: each module registers its types and fields on the builder when imported. */
export const schema = builder.toSchema({ sortSchema: true });
