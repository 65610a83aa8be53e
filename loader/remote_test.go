package loader

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
)

// fakeServer answers ingestArticles like newsgraph's server: it stores
// identical text once and rejects articles whose text says "REJECT".
type fakeServer struct {
	mu       sync.Mutex
	texts    map[string]string // external ID -> text
	batches  []int
	fail5xx  int // answer this many requests with 503 first
	gotToken string
}

func (f *fakeServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail5xx > 0 {
		f.fail5xx--
		http.Error(w, "busy", http.StatusServiceUnavailable)
		return
	}
	f.gotToken = r.Header.Get("Authorization")
	if f.gotToken != "Bearer s3cret" {
		w.WriteHeader(http.StatusUnauthorized)
		json.NewEncoder(w).Encode(map[string]any{"errors": []map[string]string{{"message": "bad token"}}})
		return
	}
	var req struct {
		Query     string
		Variables struct{ Articles []articleInput }
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil || !strings.Contains(req.Query, "ingestArticles") {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	f.batches = append(f.batches, len(req.Variables.Articles))
	var out []ingestResult
	for _, a := range req.Variables.Articles {
		res := ingestResult{ExternalID: a.ExternalID}
		switch old, ok := f.texts[a.ExternalID]; {
		case strings.Contains(a.Text, "REJECT"):
			res.Status, res.Reason = "REJECTED", "text refused"
		case ok && old == a.Text:
			res.Status = "UNCHANGED"
		case ok:
			res.Status = "REPLACED"
		default:
			res.Status = "CREATED"
		}
		if res.Status != "REJECTED" {
			f.texts[a.ExternalID] = a.Text
		}
		out = append(out, res)
	}
	json.NewEncoder(w).Encode(map[string]any{"data": map[string]any{"ingestArticles": out}})
}

func TestSend(t *testing.T) {
	var lines []string
	for i := range 23 {
		text := "Plain news text number " + string(rune('A'+i)) + "."
		if i == 5 {
			text = "Please REJECT this."
		}
		b, _ := json.Marshal(map[string]string{"id": string(rune('a' + i)), "text": text, "published": "2024-01-02"})
		lines = append(lines, string(b))
	}
	lines = append(lines, "{broken")
	fsys := fstest.MapFS{"feed.jsonl": {Data: []byte(strings.Join(lines, "\n"))}}
	srv := &fakeServer{texts: map[string]string{}, fail5xx: 1}
	ts := httptest.NewServer(srv)
	defer ts.Close()

	l := &Loader{}
	r := &Remote{URL: ts.URL, Token: "s3cret", BatchSize: 10}
	sum, err := l.Send(context.Background(), r, &Source{FS: fsys}, "feed.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	if sum.Created != 22 || sum.Rejected != 2 || sum.Records != 24 {
		t.Errorf("summary %+v, reasons %v", sum.Progress, sum.ByReason)
	}
	if sum.ByReason[ErrServer.Error()] != 1 || sum.ByReason[ErrMalformed.Error()] != 1 {
		t.Errorf("reasons %v", sum.ByReason)
	}
	if got := srv.batches; len(got) != 3 || got[0] != 10 || got[2] != 3 {
		t.Errorf("batches %v, want [10 10 3]", got)
	}
	sum, err = l.Send(context.Background(), r, &Source{FS: fsys}, "feed.jsonl")
	if err != nil || sum.Unchanged != 22 {
		t.Errorf("second send: %+v, %v", sum.Progress, err)
	}
	_, err = l.Send(context.Background(), &Remote{URL: ts.URL, Token: "wrong"}, &Source{FS: fsys}, "feed.jsonl")
	if err == nil || !strings.Contains(err.Error(), "bad token") {
		t.Errorf("wrong token: err = %v", err)
	}
}
