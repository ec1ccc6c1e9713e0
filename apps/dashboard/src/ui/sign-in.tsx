import { useState } from 'preact/hooks'
import { getJson, Unauthorized } from './api.ts'

/** Asks for a viewer (or higher) token and checks it against the API before keeping it. */
export function SignIn({
  notice,
  onSignedIn,
}: {
  notice: string | null
  onSignedIn: (token: string) => void
}) {
  const [token, setToken] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [checking, setChecking] = useState(false)

  const submit = async (event: Event) => {
    event.preventDefault()
    const candidate = token.trim().replace(/^Bearer\s+/i, '')
    if (candidate === '') {
      setError('Paste a token first.')
      return
    }
    setChecking(true)
    setError(null)
    try {
      await getJson('/dash/health', candidate)
      onSignedIn(candidate)
    } catch (caught) {
      setError(
        caught instanceof Unauthorized
          ? 'That token was not accepted: it is invalid, expired, or lacks the viewer role.'
          : 'The dashboard could not check the token: the jackpot API does not answer. Try again shortly.',
      )
    } finally {
      setChecking(false)
    }
  }

  return (
    <main class="sign-in">
      <h1>Jackpot operations</h1>
      <form onSubmit={submit} aria-describedby="sign-in-help">
        <label for="token">Viewer token</label>
        <textarea
          id="token"
          name="token"
          rows={4}
          autocomplete="off"
          spellcheck={false}
          value={token}
          onInput={(event) => setToken((event.target as HTMLTextAreaElement).value)}
        />
        <p id="sign-in-help" class="help">
          A JWT with the viewer role or higher, e.g. from{' '}
          <code>bun run cli token --role viewer --sub you</code>. It is kept in this tab only.
        </p>
        {notice && !error && (
          <p class="notice" role="status">
            {notice}
          </p>
        )}
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" disabled={checking}>
          {checking ? 'Checking…' : 'Sign in'}
        </button>
      </form>
    </main>
  )
}
