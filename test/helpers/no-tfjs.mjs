// Loaded with node --import: any import of @tensorflow/* fails, so a CLI that runs under it loaded no tfjs.
import { register } from 'node:module';

register(
  'data:text/javascript,' +
    encodeURIComponent(`export async function resolve(specifier, context, next) {
  if (specifier.startsWith('@tensorflow/')) throw new Error('tfjs was loaded: ' + specifier + ' from ' + context.parentURL);
  return next(specifier, context);
}`),
);
