package probe

import (
	"net/http"
	"strings"
)

// HTTPExchange is what a check's deciding HTTP answer said, as values: the
// `http` object of `probe --json`, so scripts need not parse evidence text.
// Empty fields were absent from the answer.
type HTTPExchange struct {
	Status      int
	ContentType string
	// OAuthError is the OAuth `error` of a token answer, or the Bearer
	// error of a resource server's WWW-Authenticate header.
	OAuthError string
	// ErrorURI is the token answer's error_uri, as sent.
	ErrorURI string
	// CorrelationID is Cerner-Correlation-Id, or the error_uri instance.
	CorrelationID string
}

// exchangeOf starts the HTTPExchange of an answer from its headers.
func exchangeOf(resp *response) *HTTPExchange {
	if resp == nil {
		return nil
	}
	return &HTTPExchange{
		Status:        resp.Status,
		ContentType:   clean(contentType(resp.Header), 120),
		CorrelationID: clean(resp.Header.Get("Cerner-Correlation-Id"), 120),
	}
}

// scrubExchange removes registered secrets from the free-text fields.
func scrubExchange(x *HTTPExchange, rep func(string) string) *HTTPExchange {
	if x == nil {
		return nil
	}
	c := *x
	c.ContentType, c.OAuthError, c.ErrorURI, c.CorrelationID = rep(c.ContentType), rep(c.OAuthError), rep(c.ErrorURI), rep(c.CorrelationID)
	return &c
}

// bearerError is the error="..." of a WWW-Authenticate: Bearer header.
func bearerError(h http.Header) string {
	if m := bearerErrorRE.FindStringSubmatch(h.Get("WWW-Authenticate")); m != nil {
		return clean(strings.TrimSpace(m[1]), 80)
	}
	return ""
}
