import '@testing-library/jest-dom/vitest';
import { cleanup, configure } from '@testing-library/react';
import { afterEach } from 'vitest';

// `findBy…` and `waitFor` wait up to a second by default. The map engines are lazy chunks and the offline one
// builds its basemap from us-atlas on import: on CI, with the API suite running beside this one, that once took
// longer than a second. Waiting longer costs nothing when things are quick.
configure({ asyncUtilTimeout: 15_000 });

afterEach(() => cleanup());
