import { setupZonelessTestEnv } from 'jest-preset-angular/setup-env/zoneless/index.mjs';

// Zoneless like the app (app.config.ts): change detection runs on signal changes, and
// fixture.whenStable() waits for it; errors thrown during change detection fail the test.
setupZonelessTestEnv();
