package schema

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/graphql-go/graphql/gqlerrors"

	"github.com/newsgraph/newsgraph/graph"
)

// Error codes sent to clients in extensions.code.
const (
	codeBadRequest    = "BAD_REQUEST"    // malformed request or document
	codeBadInput      = "BAD_USER_INPUT" // an argument is out of range or malformed
	codeTooComplex    = "QUERY_TOO_COMPLEX"
	codeTooDeep       = "QUERY_TOO_DEEP"
	codeUnauthorized  = "UNAUTHENTICATED" // the write token is missing or wrong
	codeForbidden     = "FORBIDDEN"       // the server has no write token
	codeTimeout       = "TIMEOUT"
	codeBusy          = "SERVICE_UNAVAILABLE" // no query slot within the timeout
	codeInternal      = "INTERNAL_SERVER_ERROR"
	codeGETMutation   = "METHOD_NOT_ALLOWED"
	codeUnsupportedCT = "UNSUPPORTED_MEDIA_TYPE"
)

// clientError is an error a client may see: a message and a code.
// graphql-go copies Extensions only from the error a resolver returns
// itself, so resolvers return it unwrapped.
type clientError struct{ code, msg string }

func (e clientError) Error() string { return e.msg }

// Extensions implements gqlerrors.ExtendedError.
func (e clientError) Extensions() map[string]any { return map[string]any{"code": e.code} }

func badInput(format string, args ...any) error {
	return clientError{codeBadInput, fmt.Sprintf(format, args...)}
}

// requestError formats an error found before execution.
func requestError(code, msg string) gqlerrors.FormattedError {
	return gqlerrors.FormattedError{Message: msg, Extensions: map[string]any{"code": code}}
}

// clientErr maps an error from the store or the ingest func to what the
// client sees, logging internal causes. It is the one place that decides.
func (s *Schema) clientErr(ctx context.Context, op string, err error) error {
	var ce clientError
	switch {
	case errors.As(err, &ce):
		return ce
	case errors.Is(err, context.DeadlineExceeded):
		return clientError{codeTimeout, "query timed out"}
	case errors.Is(err, context.Canceled):
		return clientError{codeTimeout, "request canceled"}
	case errors.Is(err, graph.ErrInvalid):
		// The store's invalid-argument messages name the argument (a
		// cursor, a hash) and nothing internal.
		return clientError{codeBadInput, fmt.Sprintf("%s: %v", op, err)}
	}
	s.log.ErrorContext(ctx, "graphql resolver failed", "op", op, "err", err)
	return clientError{codeInternal, op + ": internal error"}
}

// ID encoding: a one-letter type prefix and the decimal number.

func articleGID(id graph.ArticleID) string { return "A" + strconv.FormatUint(uint64(id), 10) }
func entityGID(id graph.EntityID) string   { return "E" + strconv.FormatUint(uint64(id), 10) }

func parseGID(s string, prefix byte) (uint64, bool) {
	if len(s) < 2 || s[0] != prefix || s[1] == '0' || s[1] == '+' {
		return 0, false
	}
	n, err := strconv.ParseUint(s[1:], 10, 64)
	if err != nil || n == 0 {
		return 0, false
	}
	return n, true
}

func parseArticleGID(s string) (graph.ArticleID, error) {
	n, ok := parseGID(s, 'A')
	if !ok {
		return 0, badInput("%q is not an article id (want A followed by a number)", s)
	}
	return graph.ArticleID(n), nil
}

func parseEntityGID(s string) (graph.EntityID, error) {
	n, ok := parseGID(s, 'E')
	if !ok {
		return 0, badInput("%q is not an entity id (want E followed by a number)", s)
	}
	return graph.EntityID(n), nil
}
