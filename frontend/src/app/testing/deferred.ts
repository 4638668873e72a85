import { DeferBlockState, type ComponentFixture } from '@angular/core/testing';

/** Renders every @defer block of the fixture (nested ones too) as loaded, then lets it settle. */
export async function renderDeferred(fixture: ComponentFixture<unknown>): Promise<void> {
  for (const block of await fixture.getDeferBlocks()) await block.render(DeferBlockState.Complete);
  await fixture.whenStable();
}
