package grpcapi

import (
	"context"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/planstore/planstore/queries/search"

	planstorev1 "github.com/planstore/planstore/api/planstore/v1"
)

// Search runs the request body of POST /v1/search and answers Elasticsearch's shape.
func (s *Server) Search(ctx context.Context, req *planstorev1.SearchRequest) (*planstorev1.SearchResponse, error) {
	const method = planstorev1.PlanService_Search_FullMethodName
	if s.search == nil {
		return nil, status.Error(codes.Unimplemented, "this planstore role serves no searches (query-api or serve does)")
	}
	body, err := structJSON(req.GetBody())
	if err != nil {
		return nil, badRequest(ctx, "body is not JSON", "body", err.Error())
	}
	parsed, err := search.ParseRequest(body)
	if err != nil {
		return nil, s.status(ctx, method, "", err)
	}
	raw, err := s.search.Search(ctx, parsed)
	if err != nil {
		return nil, s.status(ctx, method, "", err)
	}
	out, err := jsonStruct(raw)
	if err != nil {
		return nil, s.status(ctx, method, "", err)
	}
	return &planstorev1.SearchResponse{Body: out}, nil
}
