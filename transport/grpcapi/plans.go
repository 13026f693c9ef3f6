package grpcapi

import (
	"context"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/planstore/planstore/aggregates/plan"
	"github.com/planstore/planstore/commands"
	"github.com/planstore/planstore/queries"

	planstorev1 "github.com/planstore/planstore/api/planstore/v1"
)

// target is the plan a replace, patch or delete names, with its sender. ifMatch is REST's
// If-Match as a field: absent applies to the current version.
func target(ctx context.Context, id string, ifMatch *int64) commands.Target {
	pre := commands.Unconditional()
	if ifMatch != nil {
		pre = commands.IfVersionIn(*ifMatch)
	}
	return commands.Target{PlanID: id, Precondition: pre, Meta: commandMeta(ctx)}
}

func (s *Server) writable() error {
	if s.commands == nil {
		return status.Error(codes.Unimplemented, "this planstore role serves no writes (command-api or serve does)")
	}
	return nil
}

func (s *Server) readable() error {
	if s.plans == nil {
		return status.Error(codes.Unimplemented, "this planstore role serves no plan reads")
	}
	return nil
}

// Create stores a new plan.
func (s *Server) Create(ctx context.Context, req *planstorev1.CreatePlanRequest) (*planstorev1.Plan, error) {
	const method = planstorev1.PlanService_Create_FullMethodName
	if err := s.writable(); err != nil {
		return nil, err
	}
	doc, err := s.decodePlan(ctx, method, "", req.GetPlan())
	if err != nil {
		return nil, err
	}
	res, err := s.commands.Create.Handle(ctx, commands.CreatePlan{Plan: doc, Meta: commandMeta(ctx)})
	return s.written(ctx, method, doc.ObjectID(), res, err)
}

// Get returns the current plan, or the plan at a version or an instant.
func (s *Server) Get(ctx context.Context, req *planstorev1.GetPlanRequest) (*planstorev1.Plan, error) {
	const method = planstorev1.PlanService_Get_FullMethodName
	if err := s.readable(); err != nil {
		return nil, err
	}
	var (
		view queries.PlanView
		err  error
	)
	switch {
	case req.Version != nil && req.AsOf != nil:
		return nil, badRequest(ctx, "ambiguous request", "as_of", "give either version or as_of, not both")
	case req.Version != nil:
		if *req.Version < 1 {
			return nil, badRequest(ctx, "invalid version", "version", "must be 1 or more")
		}
		view, err = s.plans.GetVersion(ctx, req.GetId(), *req.Version)
	case req.AsOf != nil:
		if err := req.AsOf.CheckValid(); err != nil {
			return nil, badRequest(ctx, "invalid as_of", "as_of", err.Error())
		}
		view, err = s.plans.GetAsOf(ctx, req.GetId(), req.AsOf.AsTime())
	default:
		view, err = s.plans.Get(ctx, req.GetId())
	}
	if err != nil {
		return nil, s.status(ctx, method, req.GetId(), err)
	}
	if req.IfNoneMatch != nil && *req.IfNoneMatch == view.Version {
		return &planstorev1.Plan{Id: req.GetId(), Version: view.Version, Etag: etag(view.Version), NotModified: true}, nil
	}
	return s.planAnswer(ctx, method, req.GetId(), view.Version, view.Document)
}

// Replace replaces the whole plan.
func (s *Server) Replace(ctx context.Context, req *planstorev1.ReplacePlanRequest) (*planstorev1.Plan, error) {
	const method = planstorev1.PlanService_Replace_FullMethodName
	if err := s.writable(); err != nil {
		return nil, err
	}
	doc, err := s.decodePlan(ctx, method, req.GetId(), req.GetPlan())
	if err != nil {
		return nil, err
	}
	res, err := s.commands.Replace.Handle(ctx, commands.ReplacePlan{Target: target(ctx, req.GetId(), req.IfMatch), Plan: doc})
	return s.written(ctx, method, req.GetId(), res, err)
}

// Patch applies a merge patch.
func (s *Server) Patch(ctx context.Context, req *planstorev1.PatchPlanRequest) (*planstorev1.Plan, error) {
	const method = planstorev1.PlanService_Patch_FullMethodName
	if err := s.writable(); err != nil {
		return nil, err
	}
	body, err := structJSON(req.GetPatch())
	if err != nil {
		return nil, badRequest(ctx, "patch is not JSON", "patch", err.Error())
	}
	res, err := s.commands.Patch.Handle(ctx, commands.PatchPlan{Target: target(ctx, req.GetId(), req.IfMatch), Patch: body})
	return s.written(ctx, method, req.GetId(), res, err)
}

// Delete removes the plan.
func (s *Server) Delete(ctx context.Context, req *planstorev1.DeletePlanRequest) (*planstorev1.DeletePlanResponse, error) {
	const method = planstorev1.PlanService_Delete_FullMethodName
	if err := s.writable(); err != nil {
		return nil, err
	}
	res, err := s.commands.Delete.Handle(ctx, commands.DeletePlan{Target: target(ctx, req.GetId(), req.IfMatch)})
	if err != nil {
		return nil, s.status(ctx, method, req.GetId(), err)
	}
	return &planstorev1.DeletePlanResponse{Version: res.Version}, nil
}

// History pages through a plan's events.
func (s *Server) History(ctx context.Context, req *planstorev1.HistoryRequest) (*planstorev1.HistoryResponse, error) {
	const method = planstorev1.PlanService_History_FullMethodName
	if err := s.readable(); err != nil {
		return nil, err
	}
	if req.GetAfterVersion() < 0 {
		return nil, badRequest(ctx, "invalid after_version", "after_version", "must be 0 or more")
	}
	if req.GetLimit() < 0 || req.GetLimit() > queries.MaxHistoryPage {
		return nil, badRequest(ctx, "invalid limit", "limit", "must be 1 to 1000 (0: 1000)")
	}
	page, err := s.plans.HistoryAfter(ctx, req.GetId(), req.GetAfterVersion(), int(req.GetLimit()))
	if err != nil {
		return nil, s.status(ctx, method, req.GetId(), err)
	}
	out := &planstorev1.HistoryResponse{More: page.More}
	for i := range page.Events {
		ev, err := eventMessage(&page.Events[i])
		if err != nil {
			return nil, s.status(ctx, method, req.GetId(), err)
		}
		out.Events = append(out.Events, ev)
	}
	return out, nil
}

// decodePlan reads a request's plan as REST reads a body: not JSON is the field's
// error, an invalid plan the plan validator's.
func (s *Server) decodePlan(ctx context.Context, method, planID string, body *structpb.Struct) (plan.Checked, error) {
	raw, err := structJSON(body)
	if err != nil {
		return plan.Checked{}, badRequest(ctx, "plan is not JSON", "plan", err.Error())
	}
	doc, err := plan.DecodeChecked(raw)
	if err != nil {
		return plan.Checked{}, s.status(ctx, method, planID, err)
	}
	return doc, nil
}

// written answers a plan-changing command: its error as the call's status, or the plan
// it left.
func (s *Server) written(ctx context.Context, method, planID string, res commands.Result, err error) (*planstorev1.Plan, error) {
	if err != nil {
		return nil, s.status(ctx, method, planID, err)
	}
	return s.planAnswer(ctx, method, res.PlanID, res.Version, res.Document)
}

func (s *Server) planAnswer(ctx context.Context, method, id string, version int64, doc []byte) (*planstorev1.Plan, error) {
	msg, err := planMessage(id, version, doc)
	if err != nil {
		return nil, s.status(ctx, method, id, err)
	}
	return msg, nil
}
