package evaluate

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
)

// HTTP queries a GraphQL endpoint over HTTP (POST, application/json).
type HTTP struct {
	URL    string       // e.g. http://127.0.0.1:8080/graphql
	Client *http.Client // nil: http.DefaultClient
}

// Query implements Querier.
func (h HTTP) Query(ctx context.Context, query string, vars map[string]any, out any) error {
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.URL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	c := h.Client
	if c == nil {
		c = http.DefaultClient
	}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return err
	}
	return DecodeResponse(raw, out)
}

// DecodeResponse decodes a GraphQL response body's data into out, or
// returns its errors.
func DecodeResponse(raw []byte, out any) error {
	var r struct {
		Data   json.RawMessage   `json:"data"`
		Errors []json.RawMessage `json:"errors"`
	}
	if err := json.Unmarshal(raw, &r); err != nil {
		return fmt.Errorf("response is not GraphQL JSON: %w", err)
	}
	if len(r.Errors) > 0 {
		msg, _ := json.Marshal(r.Errors)
		if len(msg) > 2000 {
			msg = msg[:2000]
		}
		return fmt.Errorf("graphql errors: %s", msg)
	}
	if len(r.Data) == 0 {
		return errors.New("response has no data")
	}
	return json.Unmarshal(r.Data, out)
}
