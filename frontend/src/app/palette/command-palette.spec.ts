import { jest } from '@jest/globals';
import { InteractivityChecker } from '@angular/cdk/a11y';
import { Dialog } from '@angular/cdk/dialog';
import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { Component, DestroyRef, Injectable, signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { Router, provideRouter } from '@angular/router';
import type { AccessDto } from '@storyflow/contracts';
import { PaletteCommands, type PaletteCommand } from '../core/commands';
import { EMPTY_STATS_VIEW, StatsStream } from '../realtime/stats-stream';
import { PaletteLauncher } from './palette-launcher';
import { SHORTCUTS } from './shortcuts';

/** jsdom lays nothing out, so CDK would find no element visible, hence none focusable. */
@Injectable()
class LaidOutChecker extends InteractivityChecker {
  override isVisible(): boolean {
    return true;
  }
}

@Component({ template: '' })
class Blank {}

const STORY_ID = '65a1b2c3d4e5f60718293a4b';
const settle = async () => {
  for (let i = 0; i < 3; i++) {
    TestBed.tick();
    await new Promise((r) => setTimeout(r, 0));
  }
};
const $ = <T extends HTMLElement>(selector: string) => document.querySelector<T>(selector);
const field = () => $<HTMLInputElement>('[role="combobox"]')!;
const options = () => Array.from(document.querySelectorAll<HTMLElement>('[role="option"]'));
// keyCode too: CDK's overlays read it for Escape.
const KEY_CODES: Record<string, number> = { Escape: 27, Enter: 13, ArrowUp: 38, ArrowDown: 40 };
const key = (key: string) =>
  field().dispatchEvent(new KeyboardEvent('keydown', { key, keyCode: KEY_CODES[key], bubbles: true, cancelable: true }));
const type = (text: string) => {
  field().value = text;
  field().dispatchEvent(new Event('input'));
};

describe('command palette', () => {
  let http: HttpTestingController;

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [
        provideRouter([{ path: '**', component: Blank }]),
        provideHttpClient(),
        provideHttpClientTesting(),
        { provide: InteractivityChecker, useClass: LaidOutChecker },
        { provide: StatsStream, useValue: { view: signal(EMPTY_STATS_VIEW) } },
      ],
    });
    http = TestBed.inject(HttpTestingController);
  });

  afterEach(() => TestBed.inject(Dialog).closeAll());

  async function open(access: AccessDto = { role: 'operator', readsNeedToken: false, mutationsNeedToken: true }) {
    await TestBed.inject(PaletteLauncher).show('palette');
    await settle();
    http.match('/api/access').forEach((r) => r.flush(access));
    await settle();
  }

  it('is a labelled dialog with a combobox that controls a listbox, the first option active and focused field', async () => {
    await open();
    const dialog = $('[role="dialog"]')!;
    expect(document.getElementById(dialog.getAttribute('aria-labelledby')!)?.textContent).toBe('Command palette');
    expect(document.activeElement).toBe(field());
    expect(field().getAttribute('aria-expanded')).toBe('true');
    expect(field().getAttribute('aria-label')).toBeTruthy();
    const listbox = document.getElementById(field().getAttribute('aria-controls')!)!;
    expect(listbox.getAttribute('role')).toBe('listbox');
    expect(options().map((o) => o.querySelector('.label')?.textContent)).toEqual([
      'Stats',
      'Stories',
      'Open stories',
      'Done stories',
      'Audit log',
      'Pause processing',
    ]);
    expect(options().map((o) => o.getAttribute('aria-selected'))).toEqual(['true', 'false', 'false', 'false', 'false', 'false']);
    expect(field().getAttribute('aria-activedescendant')).toBe(options()[0].id);
  });

  it('moves the active option with Down and Up (wrapping), and the first again after typing', async () => {
    await open();
    key('ArrowDown');
    await settle();
    expect(field().getAttribute('aria-activedescendant')).toBe(options()[1].id);
    expect(options()[1].getAttribute('aria-selected')).toBe('true');
    expect(options()[0].getAttribute('aria-selected')).toBe('false');
    key('ArrowUp');
    key('ArrowUp');
    await settle();
    expect(field().getAttribute('aria-activedescendant')).toBe(options().at(-1)!.id);
    type('sto');
    await settle();
    expect(field().getAttribute('aria-activedescendant')).toBe(options()[0].id);
  });

  it('runs the active option on Enter: a story id opens that story, and the palette closes', async () => {
    await open();
    type(STORY_ID.toUpperCase());
    await settle();
    expect(options().map((o) => o.querySelector('.label')?.textContent)).toEqual([`Open story ${STORY_ID}`]);
    key('Enter');
    await settle();
    expect(TestBed.inject(Router).url).toBe(`/stories/${STORY_ID}`);
    expect($('[role="dialog"]')).toBeNull();
  });

  it('goes to a screen with the keyboard only', async () => {
    await open();
    type('stor');
    await settle();
    key('ArrowDown');
    key('Enter');
    await settle();
    expect(TestBed.inject(Router).url).toBe('/stories?status=Open');
  });

  it('closes on Escape and gives the focus back to where it was', async () => {
    const button = document.body.appendChild(document.createElement('button'));
    button.focus();
    await open();
    expect(document.activeElement).toBe(field());
    key('Escape');
    await settle();
    expect($('[role="dialog"]')).toBeNull();
    expect(document.activeElement).toBe(button);
    button.remove();
  });

  it('follows the pointer: moving over an option makes it active, a click runs it', async () => {
    await open();
    options()[3].dispatchEvent(new MouseEvent('mousemove', { bubbles: true }));
    await settle();
    expect(options()[3].getAttribute('aria-selected')).toBe('true');
    options()[1].click();
    await settle();
    expect(TestBed.inject(Router).url).toBe('/stories');
  });

  it('goes to the audit log (an operator’s)', async () => {
    await open();
    type('audit');
    await settle();
    expect(options()[0].querySelector('.label')?.textContent).toBe('Audit log');
    key('Enter');
    await settle();
    expect(TestBed.inject(Router).url).toBe('/audit');
  });

  it('offers pausing to an operator only, and the commands parts contribute (the generator’s)', async () => {
    const run = jest.fn();
    const contributed: PaletteCommand[] = [{ id: 'generator-start', label: 'Start the generator', group: 'Generator', run }];
    TestBed.inject(PaletteCommands).provide(signal(contributed), TestBed.inject(DestroyRef));
    await open({ role: 'viewer', readsNeedToken: false, mutationsNeedToken: true });
    const labels = options().map((o) => o.querySelector('.label')?.textContent);
    expect(labels).not.toContain('Pause processing');
    expect(labels).not.toContain('Audit log');
    expect(labels).toContain('Start the generator');
    type('gener');
    await settle();
    key('Enter');
    expect(run).toHaveBeenCalledTimes(1);
  });

  it('finds a story by its job id through the search, and opens it', async () => {
    await open();
    type('4711');
    await settle();
    expect(options()[0].querySelector('.label')?.textContent).toBe('Open the story of job 4711');
    key('Enter');
    const search = http.expectOne((r) => r.url === '/api/stories' && r.params.get('q') === '4711');
    search.flush({ items: [{ id: STORY_ID, externalRef: 4711 }], total: 1, page: 1, limit: 20, counts: { Open: 0, Done: 1 } });
    await settle();
    expect(TestBed.inject(Router).url).toBe(`/stories/${STORY_ID}`);
  });
});

describe('the keyboard shortcuts', () => {
  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [
        provideRouter([]),
        provideHttpClient(),
        provideHttpClientTesting(),
        { provide: InteractivityChecker, useClass: LaidOutChecker },
        { provide: StatsStream, useValue: { view: signal(EMPTY_STATS_VIEW) } },
      ],
    });
  });

  afterEach(() => TestBed.inject(Dialog).closeAll());

  const press = (key: string, init: KeyboardEventInit = {}) => {
    const event = new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true, ...init });
    TestBed.inject(PaletteLauncher).handle(event);
    return event;
  };

  it('? lists every shortcut in a labelled dialog; Ctrl+K meanwhile opens nothing more', async () => {
    expect(press('?').defaultPrevented).toBe(true);
    await settle();
    const dialog = $('[role="dialog"]')!;
    expect(document.getElementById(dialog.getAttribute('aria-labelledby')!)?.textContent).toBe('Keyboard shortcuts');
    expect(Array.from(dialog.querySelectorAll('dd')).map((dd) => dd.textContent)).toEqual(SHORTCUTS.map((s) => s.what));
    press('k', { ctrlKey: true });
    await settle();
    expect(document.querySelectorAll('[role="dialog"]')).toHaveLength(1);
  });

  it('Ctrl+K opens the palette; other keys are left alone', async () => {
    expect(press('a').defaultPrevented).toBe(false);
    press('k', { ctrlKey: true });
    await settle();
    expect(field()).not.toBeNull();
  });
});
