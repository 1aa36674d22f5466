//! Table tests of `prob.dist.*`.
