import type { CombinedError } from '@urql/core';

/** What went wrong, in words a person can act on: the API's own message for bad input, else a retry. */
export function ErrorNotice({ error, onRetry }: { error: CombinedError; onRetry?: () => void }) {
  const input = error.graphQLErrors.find((e) => e.extensions?.code === 'BAD_USER_INPUT');
  if (input) {
    return (
      <div className="notice error" role="alert">
        <p>{input.message}</p>
      </div>
    );
  }
  return (
    <div className="notice error" role="alert">
      <p>
        {error.networkError
          ? 'kapmap could not be reached. Check your connection, then try again.'
          : 'Something went wrong on our side. Try again in a moment.'}
      </p>
      {onRetry && (
        <button type="button" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}
