import { bootstrapApplication } from '@angular/platform-browser';
import { App } from './app/app';
import { appConfig } from './app/app.config';
import { prefetchScreen } from './app/app.routes';

// The first screen's code is fetched while the app bootstraps, not once the router asks for it.
prefetchScreen(location.pathname);
bootstrapApplication(App, appConfig).catch((err: unknown) => console.error(err));
