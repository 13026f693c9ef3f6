package replay

import (
	"errors"
	"net/http"

	"github.com/elastic/go-elasticsearch/v8/esapi"

	"github.com/planstore/planstore/projections/elastic"
)

// do runs one request this package makes itself (the lock, settings) through the
// elastic package, so callers test outcomes with the same *elastic.ResponseError and
// sentinels as the elastic package's own calls.
func do(op string, res *esapi.Response, err error) ([]byte, error) {
	return elastic.Do("replay: "+op, res, err)
}

// hasStatus reports whether err is Elasticsearch answering with status.
func hasStatus(err error, status int) bool {
	var re *elastic.ResponseError
	return errors.As(err, &re) && re.Status == status
}

func isConflict(err error) bool { return hasStatus(err, http.StatusConflict) }

func isNotFound(err error) bool { return hasStatus(err, http.StatusNotFound) }
