package wire

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
)

// ParseBody decodes a JSON request body into an object, reporting malformed JSON with
// the exception types Elasticsearch's Jackson parser produces.
func ParseBody(body []byte) (map[string]any, *EsError) {
	if len(strings.TrimSpace(string(body))) == 0 {
		return nil, nil
	}
	v, err := DecodeJSON(body)
	if err != nil {
		return nil, jsonError(err)
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, ErrParsing("request body or source parameter is required and must be a JSON object")
	}
	return obj, nil
}

func jsonError(err error) *EsError {
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return NewError(http.StatusBadRequest, "json_e_o_f_exception", "Unexpected end-of-input: %v", err)
	}
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		return NewError(http.StatusBadRequest, "json_parse_exception", "%s at offset %d", syn.Error(), syn.Offset)
	}
	return NewError(http.StatusBadRequest, "json_parse_exception", "%s", err.Error())
}
