package esengine

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/planstore/planstore/projections/esengine/internal/wire"
)

func marshalBody(body any, q paramReader) ([]byte, error) {
	var data []byte
	switch raw := body.(type) {
	case json.RawMessage:
		return raw, nil
	case wire.RawJSON:
		return []byte(raw), nil
	case wire.PreEncoded:
		data = raw
	default:
		var err error
		if data, err = wire.AppendJSON(nil, body); err != nil {
			return nil, fmt.Errorf("esengine: encoding the response: %w", err)
		}
	}
	if _, pretty := q.lookup("pretty"); pretty {
		var buf bytes.Buffer
		if json.Indent(&buf, data, "", "  ") == nil {
			buf.WriteByte('\n')
			return buf.Bytes(), nil
		}
	}
	return data, nil
}

// renderError turns any handler error into Elasticsearch's error body; errors that are
// not Elasticsearch errors are internal failures (500).
func (e *Engine) renderError(req *http.Request, err error) (int, []byte) {
	var es *wire.EsError
	if !errors.As(err, &es) {
		es = wire.NewError(http.StatusInternalServerError, "exception", "%s", err.Error())
	}
	if req.Method == http.MethodHead {
		return es.Status, nil
	}
	data, merr := json.Marshal(es)
	if merr != nil {
		return http.StatusInternalServerError, []byte(`{"error":{"root_cause":[],"type":"exception","reason":"cannot encode error"},"status":500}`)
	}
	return es.Status, data
}

// httpResponse wraps a body with the headers every Elasticsearch answer carries; the
// go-elasticsearch client refuses a 2xx answer without X-Elastic-Product.
func (e *Engine) httpResponse(req *http.Request, status int, body []byte) *http.Response {
	h := http.Header{}
	h.Set("X-Elastic-Product", "Elasticsearch")
	h.Set("Content-Type", "application/json; charset=UTF-8")
	resp := &http.Response{
		Status:        fmt.Sprintf("%d %s", status, http.StatusText(status)),
		StatusCode:    status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        h,
		Body:          http.NoBody,
		ContentLength: int64(len(body)),
		Request:       req,
	}
	if len(body) > 0 {
		resp.Body = io.NopCloser(bytes.NewReader(body))
	}
	return resp
}
