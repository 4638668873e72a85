import type { DialogRef } from '@angular/cdk/dialog';
import type { Injector, Type } from '@angular/core';

/**
 * Opens one of the dashboard's dialogs, loading the CDK's overlay and the dialog's own code the first
 * time one is needed (they stay out of the first screens' load). Rejects when that code cannot be
 * fetched (the server went away): the caller says what that means.
 */
export async function openLazyDialog<Result, Data, Component>(
  injector: Injector,
  dialog: () => Promise<{ component: Type<Component>; titleId: string }>,
  data: Data,
): Promise<DialogRef<Result, Component>> {
  const [{ Dialog }, { component, titleId }] = await Promise.all([import('@angular/cdk/dialog'), dialog()]);
  return injector.get(Dialog).open<Result, Data, Component>(component, {
    data,
    ariaLabelledBy: titleId,
    width: '26rem',
    maxWidth: 'calc(100vw - 2rem)',
    backdropClass: 'sf-backdrop',
  });
}
