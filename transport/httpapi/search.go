package httpapi

import (
	"errors"
	"net/http"

	"github.com/planstore/planstore/queries/search"
)

// searchPlans answers POST /v1/search, and GET with a body as Kibana's console sends it.
// An empty body searches everything, as Elasticsearch does.
func (s *Server) searchPlans(w http.ResponseWriter, r *http.Request) error {
	body, err := s.readBody(r, mediaJSON)
	if errors.Is(err, errEmptyBody) || (err != nil && r.ContentLength == 0 && r.Header.Get("Content-Type") == "") {
		body, err = []byte(`{}`), nil
	}
	if err != nil {
		return err
	}
	req, err := search.ParseRequest(body)
	if err != nil {
		return err
	}
	resp, err := s.search.Search(r.Context(), req)
	if err != nil {
		return err
	}
	return writeRawJSON(w, http.StatusOK, resp)
}
