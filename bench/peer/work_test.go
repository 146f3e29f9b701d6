package main

import (
	"encoding/json"
	"errors"
	"testing"
)

// The chains' answers, compared as JSON with those of apps/chain1..3 for the same lines.
func TestWorkersAnswerLikeTheTypeScriptChains(t *testing.T) {
	cases := []struct {
		chain, payload, want string
	}{
		{"chain1", `{"sku":"SKU-1","qty":2,"zip":"10115"}`, `{"sku":"SKU-1","qty":2,"unitCents":1999,"discountRate":0,"totalCents":3998,"currency":"EUR"}`},
		{"chain1", `{"sku":"SKU-1","qty":10,"zip":"10115"}`, `{"sku":"SKU-1","qty":10,"unitCents":1999,"discountRate":0.05,"totalCents":18991,"currency":"EUR"}`},
		{"chain2", `{"sku":"SKU-1","qty":2}`, `{"sku":"SKU-1","qty":2,"available":65,"allocation":{"berlin":2}}`},
		{"chain2", `{"sku":"SKU-1","qty":50}`, `{"sku":"SKU-1","qty":50,"available":65,"allocation":{"berlin":40,"hamburg":10}}`},
		{"chain2", `{"sku":"SKU-4","qty":1200}`, `{"sku":"SKU-4","qty":1200,"available":1500,"allocation":{"berlin":200,"hamburg":1000}}`},
		{"chain3", `{"sku":"SKU-1","qty":2,"zip":"10115"}`, `{"zip":"10115","carrier":"parcel","days":1,"costCents":510}`},
		{"chain3", `{"qty":30,"zip":"80331"}`, `{"zip":"80331","carrier":"freight","days":4,"costCents":6400}`},
	}
	for _, c := range cases {
		result, err := workers[c.chain](json.RawMessage(c.payload))
		if err != nil {
			t.Errorf("%s %s: %v", c.chain, c.payload, err)
			continue
		}
		got, _ := json.Marshal(result)
		if !sameJSON(t, got, []byte(c.want)) {
			t.Errorf("%s %s: got %s, want %s", c.chain, c.payload, got, c.want)
		}
	}
}

func TestWorkersReplyWithTheTypeScriptChainsErrorCodes(t *testing.T) {
	cases := []struct{ chain, payload, code string }{
		{"chain1", `{"sku":"NOPE","qty":1}`, "UNKNOWN_SKU"},
		{"chain1", `{"sku":"SKU-1","qty":0}`, "BAD_PAYLOAD"},
		{"chain1", `{"sku":"SKU-1","qty":1.5}`, "BAD_PAYLOAD"},
		{"chain1", `[1,2]`, "BAD_PAYLOAD"},
		{"chain1", `null`, "BAD_PAYLOAD"},
		{"chain2", `{"sku":"SKU-2","qty":5}`, "OUT_OF_STOCK"},
		{"chain2", `{"sku":"SKU-9","qty":1}`, "UNKNOWN_SKU"},
		{"chain2", `{"sku":"","qty":1}`, "BAD_PAYLOAD"},
		{"chain3", `{"qty":1,"zip":"abc"}`, "INVALID_ZIP"},
		{"chain3", `{"qty":1,"zip":10115}`, "BAD_PAYLOAD"},
	}
	for _, c := range cases {
		_, err := workers[c.chain](json.RawMessage(c.payload))
		var ce *chainError
		if !errors.As(err, &ce) || ce.Code != c.code {
			t.Errorf("%s %s: got %v, want code %s", c.chain, c.payload, err, c.code)
		}
	}
}

func TestNewUIDIsAVersion4UUID(t *testing.T) {
	a, b := newUID(), newUID()
	if len(a) != 36 || a[14] != '4' || a[8] != '-' || a[23] != '-' || a == b {
		t.Errorf("uids %q, %q", a, b)
	}
}

func sameJSON(t *testing.T, a, b []byte) bool {
	t.Helper()
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	ja, _ := json.Marshal(x)
	jb, _ := json.Marshal(y)
	return string(ja) == string(jb)
}
