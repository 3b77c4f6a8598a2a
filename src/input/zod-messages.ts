import { en } from 'zod/locales';
import { config } from 'zod/mini';

// zod/mini loads no locale by itself: English messages for the checks that carry none of their own
// ("expected string, received number"). Imported for this side effect by the modules that parse.
config(en());
