package main

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"sort"
)

// The chains' work: the same small computations as apps/chain1..3 (pricing, inventory, shipping of
// an order line {sku, qty, zip}). A worker decodes the payload and returns the result to encode,
// or a *chainError for an `ok: false` reply.

type chainError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

func (e *chainError) Error() string { return e.Code + ": " + e.Message }

type worker func(payload json.RawMessage) (any, error)

var workers = map[string]worker{
	"chain1": priceQuote,
	"chain2": checkAvailability,
	"chain3": estimateShipping,
}

// orderLine is the payload as decoded; fields stay untyped so that wrong types give BAD_PAYLOAD.
type orderLine struct {
	SKU any `json:"sku"`
	Qty any `json:"qty"`
	Zip any `json:"zip"`
}

func badPayload(msg string) error { return &chainError{Code: "BAD_PAYLOAD", Message: msg} }

func decodeLine(payload json.RawMessage) (orderLine, error) {
	var line orderLine
	if len(payload) == 0 || payload[0] != '{' || json.Unmarshal(payload, &line) != nil {
		return line, badPayload("payload must be a JSON object")
	}
	return line, nil
}

func requireString(v any, field string) (string, error) {
	s, ok := v.(string)
	if !ok || s == "" {
		return "", badPayload(fmt.Sprintf("%q must be a non-empty string", field))
	}
	return s, nil
}

func requirePositiveInt(v any, field string) (int, error) {
	f, ok := v.(float64)
	if !ok || f != math.Trunc(f) || f < 1 || f > 1<<53 {
		return 0, badPayload(fmt.Sprintf("%q must be a positive integer", field))
	}
	return int(f), nil
}

// chain1: pricing.

var priceList = map[string]int{"SKU-1": 1999, "SKU-2": 4950, "SKU-3": 12900, "SKU-4": 299}

type priceQuoteResult struct {
	SKU          string  `json:"sku"`
	Qty          int     `json:"qty"`
	UnitCents    int     `json:"unitCents"`
	DiscountRate float64 `json:"discountRate"`
	TotalCents   int     `json:"totalCents"`
	Currency     string  `json:"currency"`
}

func discountRate(qty int) float64 {
	switch {
	case qty >= 50:
		return 0.1
	case qty >= 10:
		return 0.05
	default:
		return 0
	}
}

func priceQuote(payload json.RawMessage) (any, error) {
	line, err := decodeLine(payload)
	if err != nil {
		return nil, err
	}
	sku, err := requireString(line.SKU, "sku")
	if err != nil {
		return nil, err
	}
	qty, err := requirePositiveInt(line.Qty, "qty")
	if err != nil {
		return nil, err
	}
	unit, ok := priceList[sku]
	if !ok {
		return nil, &chainError{Code: "UNKNOWN_SKU", Message: "no price for " + sku}
	}
	rate := discountRate(qty)
	total := int(math.Round(float64(unit) * float64(qty) * (1 - rate)))
	return priceQuoteResult{SKU: sku, Qty: qty, UnitCents: unit, DiscountRate: rate, TotalCents: total, Currency: "EUR"}, nil
}

// chain2: inventory.

type stockLevel struct {
	warehouse string
	units     int
}

var stock = map[string][]stockLevel{
	"SKU-1": {{"berlin", 40}, {"hamburg", 25}},
	"SKU-2": {{"berlin", 3}},
	"SKU-3": {{"hamburg", 0}},
	"SKU-4": {{"berlin", 500}, {"hamburg", 1000}},
}

type availabilityResult struct {
	SKU        string         `json:"sku"`
	Qty        int            `json:"qty"`
	Available  int            `json:"available"`
	Allocation map[string]int `json:"allocation"`
}

func checkAvailability(payload json.RawMessage) (any, error) {
	line, err := decodeLine(payload)
	if err != nil {
		return nil, err
	}
	sku, err := requireString(line.SKU, "sku")
	if err != nil {
		return nil, err
	}
	qty, err := requirePositiveInt(line.Qty, "qty")
	if err != nil {
		return nil, err
	}
	levels, ok := stock[sku]
	if !ok {
		return nil, &chainError{Code: "UNKNOWN_SKU", Message: sku + " is not stocked"}
	}
	available := 0
	for _, l := range levels {
		available += l.units
	}
	if available < qty {
		return nil, &chainError{Code: "OUT_OF_STOCK", Message: fmt.Sprintf("%d × %s wanted, %d in stock", qty, sku, available)}
	}
	// Take from the fullest warehouse first.
	byUnits := append([]stockLevel(nil), levels...)
	sort.SliceStable(byUnits, func(i, j int) bool { return byUnits[i].units > byUnits[j].units })
	allocation := map[string]int{}
	remaining := qty
	for _, l := range byUnits {
		if remaining == 0 {
			break
		}
		take := min(l.units, remaining)
		if take > 0 {
			allocation[l.warehouse] = take
		}
		remaining -= take
	}
	return availabilityResult{SKU: sku, Qty: qty, Available: available, Allocation: allocation}, nil
}

// chain3: shipping.

// daysByRegion: transit days by the first digit of a German postal code, from Berlin.
var daysByRegion = map[byte]int{'0': 2, '1': 1, '2': 1, '3': 2, '4': 2, '5': 2, '6': 2, '7': 3, '8': 3, '9': 2}

var zipPattern = regexp.MustCompile(`^\d{5}$`)

type shippingResult struct {
	Zip       string `json:"zip"`
	Carrier   string `json:"carrier"`
	Days      int    `json:"days"`
	CostCents int    `json:"costCents"`
}

func estimateShipping(payload json.RawMessage) (any, error) {
	line, err := decodeLine(payload)
	if err != nil {
		return nil, err
	}
	zip, err := requireString(line.Zip, "zip")
	if err != nil {
		return nil, err
	}
	qty, err := requirePositiveInt(line.Qty, "qty")
	if err != nil {
		return nil, err
	}
	if !zipPattern.MatchString(zip) {
		return nil, &chainError{Code: "INVALID_ZIP", Message: fmt.Sprintf("%q is not a 5-digit postal code", zip)}
	}
	days, ok := daysByRegion[zip[0]]
	if !ok {
		days = 3
	}
	if qty > 20 {
		return shippingResult{Zip: zip, Carrier: "freight", Days: days + 1, CostCents: 4900 + 50*qty}, nil
	}
	return shippingResult{Zip: zip, Carrier: "parcel", Days: days, CostCents: 490 + 10*qty}, nil
}
