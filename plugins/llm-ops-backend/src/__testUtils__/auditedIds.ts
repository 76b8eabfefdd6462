import type { mockServices } from '@backstage/backend-test-utils';

type AuditorMock = ReturnType<typeof mockServices.auditor.mock>;

/**
 * The id each auditor event of the mock reported when it succeeded, in order; `'failed'` for an
 * event that failed instead.
 */
export async function auditedIds(
  auditor: AuditorMock,
): Promise<Array<string | null | 'failed'>> {
  return Promise.all(
    auditor.createEvent.mock.results.map(async ({ value }) => {
      const event = await value;
      const [success] = (event.success as jest.Mock).mock.calls;
      return success ? (success[0]?.meta?.id as string | null) : 'failed';
    }),
  );
}
