/**
 * Jest's `expect` takes no message: `because(why, () => expect(…))` puts `why` in front of the failure,
 * so an assertion inside a loop says which item failed.
 */
export function because(why: string, assertion: () => void): void {
  try {
    assertion();
  } catch (error) {
    if (error instanceof Error) error.message = `${why}\n\n${error.message}`;
    throw error;
  }
}
