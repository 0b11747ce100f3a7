const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/=/g, '&#x3D;').replace(/</g, '&lt;');

/**
 * A trimmed copy of the form on Yahoo's `consent.yahoo.com/v2/collectConsent` page (as recorded
 * by yahoo-finance2 in `getCrumb-quote-AAPL-collectConsent.html.json`): the same hidden inputs
 * (`csrfToken`, `sessionId`, `originalDoneUrl` with `=` written as `&#x3D;`, `namespace`) and the
 * `agree`/`reject` submit buttons.
 *
 * @internal
 */
export function consentPage(csrfToken: string, sessionId: string, doneUrl: string): string {
  return `<!DOCTYPE html>
<html dir="ltr" class="ltr  yahoo-page height100">
<head><title>Yahoo is part of the Yahoo family of brands</title></head>
<body>
<div class="consent-overlay"><div class="consent-wizard">
<form method="post" class="consent-form" action="">
<div class="wizard-body"><p>We, Yahoo, are part of the Yahoo family of brands.</p></div>
<input type="hidden" name="csrfToken" value="${esc(csrfToken)}">
<input type="hidden" name="sessionId" value="${esc(sessionId)}">
<input type="hidden" name="originalDoneUrl" value="${esc(doneUrl)}">
<input type="hidden" name="namespace" value="yahoo">
<div class="actions couple">
<button type="submit" class="btn secondary accept-all " name="agree" value="agree">Accept all</button>
<button type="submit" class="btn secondary reject-all" name="reject" value="reject">Reject all</button>
</div>
</form>
</div></div>
</body>
</html>
`;
}
