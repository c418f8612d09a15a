//! A plan's partitions read one after another, in the plan's order.
//!
//! quire runs every query on one partition, but some plans still have several: a `union
//! all` has one per input. DataFusion merges them (`CoalescePartitionsExec`, and `collect`
//! at the root) as their rows arrive, on tasks it spawns: on a multi-thread runtime
//! `select min(d) union all select max(d)` gives its two rows either way round from run to
//! run (a different CSV, a different page), and in the browser the spawn panics. Where a
//! session runs on one partition, [`InOrder`] puts [`InOrderExec`] in their place: the first
//! input's rows, then the second's, every time and on both targets.

use std::fmt;
use std::sync::Arc;

use datafusion::common::Result;
use datafusion::common::config::ConfigOptions;
use datafusion::common::tree_node::{Transformed, TreeNode, TreeNodeRecursion};
use datafusion::execution::TaskContext;
use datafusion::physical_expr::{Partitioning, PhysicalExpr};
use datafusion::physical_optimizer::PhysicalOptimizerRule;
use datafusion::physical_plan::coalesce_partitions::CoalescePartitionsExec;
use datafusion::physical_plan::limit::GlobalLimitExec;
use datafusion::physical_plan::stream::RecordBatchStreamAdapter;
use datafusion::physical_plan::{
    DisplayAs, DisplayFormatType, ExecutionPlan, ExecutionPlanProperties, PlanProperties, SendableRecordBatchStream,
};
use futures::{StreamExt, TryStreamExt};

/// Replaces each merge of partitions, and a root with several, by [`InOrderExec`], in a
/// session of one partition (a session of more keeps DataFusion's merges: they are what
/// runs its partitions at once).
#[derive(Debug)]
pub(crate) struct InOrder;

impl PhysicalOptimizerRule for InOrder {
    fn optimize(&self, plan: Arc<dyn ExecutionPlan>, config: &ConfigOptions) -> Result<Arc<dyn ExecutionPlan>> {
        if config.execution.target_partitions > 1 {
            return Ok(plan);
        }
        let plan = plan
            .transform_up(|node| {
                let Some(merge) = node.downcast_ref::<CoalescePartitionsExec>() else {
                    return Ok(Transformed::no(node));
                };
                let in_order: Arc<dyn ExecutionPlan> = Arc::new(InOrderExec::new(Arc::clone(merge.input())));
                Ok(Transformed::yes(match merge.fetch() {
                    Some(n) => Arc::new(GlobalLimitExec::new(in_order, 0, Some(n))),
                    None => in_order,
                }))
            })?
            .data;
        Ok(if plan.output_partitioning().partition_count() > 1 { Arc::new(InOrderExec::new(plan)) } else { plan })
    }

    fn name(&self) -> &str {
        "quire_in_order"
    }

    fn schema_check(&self) -> bool {
        true
    }
}

/// Its input's partitions as one: partition 0's rows, then partition 1's, and so on.
#[derive(Debug)]
pub(crate) struct InOrderExec {
    input: Arc<dyn ExecutionPlan>,
    properties: Arc<PlanProperties>,
}

impl InOrderExec {
    fn new(input: Arc<dyn ExecutionPlan>) -> Self {
        // Partitions one after another keep no ordering (each may be sorted on its own).
        let mut eq = input.equivalence_properties().clone();
        eq.clear_orderings();
        eq.clear_per_partition_constants();
        let properties = PlanProperties::new(
            eq,
            Partitioning::UnknownPartitioning(1),
            input.pipeline_behavior(),
            input.boundedness(),
        );
        InOrderExec { input, properties: Arc::new(properties) }
    }
}

impl DisplayAs for InOrderExec {
    fn fmt_as(&self, _t: DisplayFormatType, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "InOrderExec")
    }
}

impl ExecutionPlan for InOrderExec {
    fn name(&self) -> &str {
        "InOrderExec"
    }

    fn properties(&self) -> &Arc<PlanProperties> {
        &self.properties
    }

    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![&self.input]
    }

    fn apply_expressions(
        &self,
        _f: &mut dyn FnMut(&Arc<dyn PhysicalExpr>) -> Result<TreeNodeRecursion>,
    ) -> Result<TreeNodeRecursion> {
        Ok(TreeNodeRecursion::Continue)
    }

    fn benefits_from_input_partitioning(&self) -> Vec<bool> {
        vec![false]
    }

    fn with_new_children(self: Arc<Self>, mut children: Vec<Arc<dyn ExecutionPlan>>) -> Result<Arc<dyn ExecutionPlan>> {
        match children.pop() {
            Some(input) if children.is_empty() => Ok(Arc::new(InOrderExec::new(input))),
            _ => datafusion::common::internal_err!("InOrderExec takes one input"),
        }
    }

    fn execute(&self, partition: usize, context: Arc<TaskContext>) -> Result<SendableRecordBatchStream> {
        if partition != 0 {
            return datafusion::common::internal_err!("InOrderExec has one partition, not {partition}");
        }
        let input = Arc::clone(&self.input);
        let partitions = input.output_partitioning().partition_count();
        // Each partition is started only when the one before it has finished.
        let batches =
            futures::stream::iter(0..partitions).map(move |i| input.execute(i, Arc::clone(&context))).try_flatten();
        Ok(Box::pin(RecordBatchStreamAdapter::new(self.schema(), batches)))
    }
}
