//! Exact sums of floating-point numbers, on both targets.
//!
//! `sum` and `avg` of a `double` add its values exactly (in a 128-bit fixed-point sum while
//! the values fit one, else Shewchuk's algorithm, as Python's `math.fsum`) and round once at
//! the end, so their answer does not depend on the order rows
//! arrive in: the same bits with one thread or many, in the build or the browser, over the
//! rows or over a rollup of them. Money in cents sums to an exact multiple of a cent that
//! a page then rounds to dollars; summed in arrival order, a total of $70,554.50 could show as
//! $70,554 on one path and $70,555 on another.
//!
//! A rollup keeps a group's exact sum as two doubles: `sum(x)` (the sum rounded) and
//! `quire_sum_residual(x)` (what rounding left out), and `quire_sum_exact(hi, lo)` adds both
//! columns exactly. Other types go to DataFusion's own `sum` and `avg` unchanged.

use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, BooleanArray, Float64Array, ListArray, UInt64Array};
use datafusion::arrow::buffer::OffsetBuffer;
use datafusion::arrow::datatypes::{DataType, Field, FieldRef, Float64Type, UInt64Type};
use datafusion::common::{Result, ScalarValue};
use datafusion::logical_expr::function::{AccumulatorArgs, StateFieldsArgs};
use datafusion::logical_expr::utils::format_state_name;
use datafusion::logical_expr::{
    Accumulator, AggregateUDF, AggregateUDFImpl, EmitTo, GroupsAccumulator, ReversedUDAF, Signature, Volatility,
};
use datafusion::prelude::SessionContext;

/// An exact sum: a fixed-point part, `fixed × 2^exp`, and non-overlapping partials, whose
/// sum is exactly the sum of what was added. Most values (money, counts, measures within a
/// few dozen binary orders of magnitude of each other) add to the fixed-point part, a few
/// integer operations each; a value it cannot hold without losing bits goes to the
/// partials (Shewchuk's algorithm), which hold any finite sum.
#[derive(Debug, Clone, Default)]
pub struct ExactSum {
    fixed: i128,
    /// The exponent of `fixed`'s unit.
    exp: i32,
    /// Values added (less those taken out).
    count: u64,
    /// What the fixed-point part does not hold, rarely any: boxed, so that a group's sum
    /// stays small (a rollup's query keeps thousands of them, one per group).
    rest: Option<Box<Rest>>,
}

#[derive(Debug, Clone, Default)]
struct Rest {
    partials: Vec<f64>,
    /// Infinities and NaNs, added as floats add them.
    special: Option<f64>,
}

/// Largest unit exponent of the fixed-point part, so that it stays far within the doubles'
/// range (`fixed` < 2^126, so its value < 2^926).
const FIXED_EXP_MAX: i32 = 800;

/// `2^n`, for `n` in the doubles' range (subnormals included).
fn pow2(n: i32) -> f64 {
    if n >= -1022 { f64::from_bits(((n + 1023) as u64) << 52) } else { f64::from_bits(1u64 << (n + 1074)) }
}

impl ExactSum {
    pub fn add(&mut self, x: f64) {
        self.add_counted(x);
    }

    /// Add `x` as a value counted; whether it went past the fixed-point part (see
    /// [`Groups::size`]).
    #[inline]
    fn add_counted(&mut self, x: f64) -> bool {
        self.count += 1;
        self.add_value(x)
    }

    #[inline]
    fn add_value(&mut self, x: f64) -> bool {
        if self.add_common(x) {
            return false;
        }
        self.add_other(x);
        true
    }

    /// The common case, kept small for the loop it runs in: a normal `x` whose bits fit
    /// the fixed-point part at its unit as it is. Else nothing, and `false`.
    #[inline(always)]
    fn add_common(&mut self, x: f64) -> bool {
        let bits = x.to_bits();
        let biased = ((bits >> 52) & 0x7ff) as i32;
        // Zeros and subnormals (0), infinities and NaNs (0x7ff): the general path.
        if (biased - 1) as u32 >= 0x7fe || self.fixed == 0 {
            return false;
        }
        let m = (bits & ((1u64 << 52) - 1)) | (1u64 << 52);
        let tz = m.trailing_zeros();
        let shift = (biased - 1075 + tz as i32).wrapping_sub(self.exp);
        if !(0..=72).contains(&shift) {
            return false;
        }
        let m = (m >> tz) as i128;
        let m = if bits >> 63 == 1 { -m } else { m };
        // |m| < 2^53 shifted by at most 72: under 2^125, and |fixed| < 2^126: no overflow.
        let sum = self.fixed + (m << shift);
        if sum.unsigned_abs() >= 1u128 << 126 {
            return false;
        }
        self.fixed = sum;
        true
    }

    /// Everything [`ExactSum::add_common`] leaves.
    #[cold]
    #[inline(never)]
    fn add_other(&mut self, x: f64) {
        if !x.is_finite() {
            let rest = self.rest.get_or_insert_default();
            rest.special = Some(rest.special.unwrap_or(0.0) + x);
            return;
        }
        if !self.add_fixed(x) {
            self.add_partial(x);
        }
    }

    fn partials(&self) -> &[f64] {
        self.rest.as_ref().map_or(&[], |r| &r.partials)
    }

    fn special(&self) -> Option<f64> {
        self.rest.as_ref().and_then(|r| r.special)
    }

    /// Bytes held besides the sum itself.
    fn rest_size(&self) -> usize {
        self.rest.as_ref().map_or(0, |r| std::mem::size_of::<Rest>() + r.partials.capacity() * 8)
    }

    /// Add finite `x` to the fixed-point part, if it holds the sum exactly; else nothing.
    fn add_fixed(&mut self, x: f64) -> bool {
        let bits = x.to_bits();
        let biased = ((bits >> 52) & 0x7ff) as i32;
        let frac = bits & ((1u64 << 52) - 1);
        let (mut m, mut e) = if biased == 0 { (frac, -1074) } else { (frac | (1u64 << 52), biased - 1075) };
        if m == 0 {
            // Zeros keep their sign in the partials (the sum of negative zeros is `-0`).
            return false;
        }
        let tz = m.trailing_zeros();
        m >>= tz;
        e += tz as i32;
        if e > FIXED_EXP_MAX {
            return false;
        }
        let m = if bits >> 63 == 1 { -(m as i128) } else { m as i128 };
        if self.fixed == 0 {
            self.fixed = m;
            self.exp = e;
            return true;
        }
        if e >= self.exp {
            let shift = (e - self.exp) as u32;
            // |m| < 2^53: shifted, under 2^126.
            if shift > 72 {
                return false;
            }
            match self.fixed.checked_add(m << shift) {
                Some(sum) if sum.unsigned_abs() < 1u128 << 126 => {
                    self.fixed = sum;
                    true
                }
                _ => false,
            }
        } else {
            let shift = (self.exp - e) as u32;
            if shift + 2 >= self.fixed.unsigned_abs().leading_zeros() {
                return false;
            }
            match (self.fixed << shift).checked_add(m) {
                Some(sum) if sum.unsigned_abs() < 1u128 << 126 => {
                    self.fixed = sum;
                    self.exp = e;
                    true
                }
                _ => false,
            }
        }
    }

    /// The fixed-point part as at most three doubles, exactly.
    fn fixed_parts(&self) -> impl Iterator<Item = f64> + '_ {
        let sign = if self.fixed < 0 { -1.0 } else { 1.0 };
        let magnitude = self.fixed.unsigned_abs();
        (0..3).filter_map(move |k| {
            let chunk = ((magnitude >> (52 * k)) & ((1u128 << 52) - 1)) as f64;
            (chunk != 0.0).then(|| sign * chunk * pow2(self.exp + 52 * k as i32))
        })
    }

    /// Every partial: the fixed-point part's, then the others.
    fn all_partials(&self) -> Vec<f64> {
        self.fixed_parts().chain(self.partials().iter().copied()).collect()
    }

    /// Shewchuk's step: add finite `x` to the partials.
    fn add_partial(&mut self, x: f64) {
        let rest = self.rest.get_or_insert_default();
        let mut x = x;
        let mut i = 0;
        for j in 0..rest.partials.len() {
            let mut y = rest.partials[j];
            if x.abs() < y.abs() {
                std::mem::swap(&mut x, &mut y);
            }
            let hi = x + y;
            if !hi.is_finite() {
                // The sum overflows: it is infinite, as a float sum would be (the partials
                // left no longer matter).
                rest.special = Some(rest.special.unwrap_or(0.0) + hi);
                return;
            }
            let lo = y - (hi - x);
            if lo != 0.0 {
                rest.partials[i] = lo;
                i += 1;
            }
            x = hi;
        }
        rest.partials.truncate(i);
        if x.is_finite() {
            rest.partials.push(x);
        } else {
            // The sum itself overflows: it is infinite, as a float sum would be.
            rest.special = Some(rest.special.unwrap_or(0.0) + x);
        }
    }

    /// Take `x` out again (a sliding window's frame moving on): exact too.
    pub fn remove(&mut self, x: f64) {
        self.remove_counted(x);
    }

    /// Take out `x`, a value counted; whether it went past the fixed-point part.
    fn remove_counted(&mut self, x: f64) -> bool {
        self.count = self.count.saturating_sub(1);
        self.add_value(-x)
    }

    fn merge(&mut self, other: &ExactSum) {
        for p in other.fixed_parts().chain(other.partials().iter().copied()) {
            self.add_value(p);
        }
        if let Some(s) = other.special() {
            let rest = self.rest.get_or_insert_default();
            rest.special = Some(rest.special.unwrap_or(0.0) + s);
        }
        self.count += other.count;
    }

    /// The sum, rounded once to the nearest double (ties to even).
    pub fn value(&self) -> f64 {
        if let Some(s) = self.special() {
            return s + self.all_partials().iter().sum::<f64>();
        }
        // The fixed-point part's doubles, added to the partials: non-overlapping again.
        let mut whole = ExactSum { rest: self.rest.clone(), ..ExactSum::default() };
        for part in self.fixed_parts() {
            whole.add_partial(part);
        }
        if let Some(s) = whole.special() {
            return s;
        }
        let p = whole.partials();
        let Some(mut n) = p.len().checked_sub(1) else { return 0.0 };
        let mut hi = p[n];
        let mut lo = 0.0;
        while n > 0 {
            let x = hi;
            n -= 1;
            let y = p[n];
            hi = x + y;
            let yr = hi - x;
            lo = y - yr;
            if lo != 0.0 {
                break;
            }
        }
        // Halfway between two doubles, the partials below decide the way.
        if n > 0 && ((lo < 0.0 && p[n - 1] < 0.0) || (lo > 0.0 && p[n - 1] > 0.0)) {
            let y = lo * 2.0;
            let x = hi + y;
            let yr = x - hi;
            if y == yr {
                hi = x;
            }
        }
        hi
    }

    /// What [`ExactSum::value`] leaves out, rounded.
    pub fn residual(&self) -> f64 {
        if self.special().is_some() {
            return 0.0;
        }
        let mut rest = self.clone();
        rest.add_value(-self.value());
        // A zero is `+0`, however the sum reached it.
        rest.value() + 0.0
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Kind {
    Sum,
    Avg,
    /// `quire_sum_residual(x)`.
    Residual,
    /// `quire_sum_exact(hi, lo)`.
    Pair,
}

impl Kind {
    fn finish(self, s: &ExactSum) -> Option<f64> {
        if s.count == 0 {
            return None;
        }
        Some(match self {
            Kind::Sum | Kind::Pair => s.value(),
            Kind::Avg => s.value() / s.count as f64,
            Kind::Residual => s.residual(),
        })
    }
}

/// `sum` or `avg`, exact for doubles, DataFusion's own for the rest; or one of quire's two
/// rollup aggregates.
#[derive(Debug, PartialEq, Eq, Hash)]
struct Exact {
    kind: Kind,
    /// DataFusion's function this one stands in for.
    inner: Option<Arc<AggregateUDF>>,
    /// The inner function's, or quire's own.
    signature: Signature,
}

impl Exact {
    fn exact_for(&self, input: &[FieldRef]) -> bool {
        self.inner.is_none() || input.first().is_some_and(|f| f.data_type() == &DataType::Float64)
    }
}

impl AggregateUDFImpl for Exact {
    fn name(&self) -> &str {
        match (&self.inner, self.kind) {
            (Some(inner), _) => inner.name(),
            (None, Kind::Residual) => "quire_sum_residual",
            (None, _) => "quire_sum_exact",
        }
    }

    fn aliases(&self) -> &[String] {
        self.inner.as_ref().map_or(&[], |i| i.aliases())
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> Result<Vec<DataType>> {
        match &self.inner {
            Some(inner) => inner.coerce_types(arg_types),
            None => Ok(vec![DataType::Float64; arg_types.len()]),
        }
    }

    fn return_type(&self, arg_types: &[DataType]) -> Result<DataType> {
        match &self.inner {
            Some(inner) => inner.return_type(arg_types),
            None => Ok(DataType::Float64),
        }
    }

    fn accumulator(&self, args: AccumulatorArgs) -> Result<Box<dyn Accumulator>> {
        match &self.inner {
            Some(inner) if args.is_distinct || !self.exact_for(args.expr_fields) => inner.accumulator(args),
            _ => Ok(Box::new(One { kind: self.kind, sum: ExactSum::default() })),
        }
    }

    fn state_fields(&self, args: StateFieldsArgs) -> Result<Vec<FieldRef>> {
        match &self.inner {
            Some(inner) if args.is_distinct || !self.exact_for(args.input_fields) => inner.state_fields(args),
            _ => Ok(vec![
                Field::new_list(
                    format_state_name(args.name, "partials"),
                    Field::new_list_field(DataType::Float64, true),
                    true,
                )
                .into(),
                Field::new(format_state_name(args.name, "special"), DataType::Float64, true).into(),
                Field::new(format_state_name(args.name, "count"), DataType::UInt64, true).into(),
            ]),
        }
    }

    fn groups_accumulator_supported(&self, args: AccumulatorArgs) -> bool {
        match &self.inner {
            Some(inner) if args.is_distinct || !self.exact_for(args.expr_fields) => {
                inner.groups_accumulator_supported(args)
            }
            _ => true,
        }
    }

    fn create_groups_accumulator(&self, args: AccumulatorArgs) -> Result<Box<dyn GroupsAccumulator>> {
        match &self.inner {
            Some(inner) if args.is_distinct || !self.exact_for(args.expr_fields) => {
                inner.create_groups_accumulator(args)
            }
            _ => Ok(Box::new(Groups { kind: self.kind, sums: Vec::new(), past: false })),
        }
    }

    fn create_sliding_accumulator(&self, args: AccumulatorArgs) -> Result<Box<dyn Accumulator>> {
        match &self.inner {
            Some(inner) if args.is_distinct || !self.exact_for(args.expr_fields) => {
                inner.create_sliding_accumulator(args)
            }
            _ => Ok(Box::new(One { kind: self.kind, sum: ExactSum::default() })),
        }
    }

    fn reverse_expr(&self) -> ReversedUDAF {
        ReversedUDAF::Identical
    }

    fn default_value(&self, data_type: &DataType) -> Result<ScalarValue> {
        match &self.inner {
            Some(inner) => inner.default_value(data_type),
            None => ScalarValue::try_from(data_type),
        }
    }
}

/// Register the exact `sum` and `avg` in place of DataFusion's, and the rollup aggregates.
pub fn register(ctx: &SessionContext) {
    let state = ctx.state();
    let functions = state.aggregate_functions();
    for (name, kind) in [("sum", Kind::Sum), ("avg", Kind::Avg)] {
        if let Some(inner) = functions.get(name) {
            let signature = inner.signature().clone();
            ctx.register_udaf(AggregateUDF::new_from_impl(Exact { kind, inner: Some(Arc::clone(inner)), signature }));
        }
    }
    ctx.register_udaf(AggregateUDF::new_from_impl(Exact {
        kind: Kind::Residual,
        inner: None,
        signature: Signature::exact(vec![DataType::Float64], Volatility::Immutable),
    }));
    ctx.register_udaf(AggregateUDF::new_from_impl(Exact {
        kind: Kind::Pair,
        inner: None,
        signature: Signature::exact(vec![DataType::Float64, DataType::Float64], Volatility::Immutable),
    }));
}

/// Add a batch's arguments: one column, or both of `quire_sum_exact(hi, lo)` (whose pair
/// counts as one value, present if `hi` is). `each` says whether its value went past a
/// fixed-point part; whether any did.
#[inline]
fn add_rows(values: &[ArrayRef], mut each: impl FnMut(usize, f64, bool) -> bool) -> bool {
    let hi = values[0].as_primitive::<Float64Type>();
    let lo = values.get(1).map(|v| v.as_primitive::<Float64Type>());
    let mut past = false;
    if lo.is_none() && hi.null_count() == 0 {
        // The common case, in a loop of its own.
        for (i, &x) in hi.values().iter().enumerate() {
            past |= each(i, x, true);
        }
        return past;
    }
    for i in 0..hi.len() {
        if hi.is_null(i) {
            continue;
        }
        past |= each(i, hi.value(i), true);
        if let Some(lo) = lo.filter(|lo| !lo.is_null(i)) {
            past |= each(i, lo.value(i), false);
        }
    }
    past
}

fn state_arrays(sums: &[ExactSum]) -> Result<Vec<ArrayRef>> {
    let parts: Vec<Vec<f64>> = sums.iter().map(ExactSum::all_partials).collect();
    let values: Float64Array = parts.iter().flatten().copied().map(Some).collect();
    let offsets = OffsetBuffer::from_lengths(parts.iter().map(Vec::len));
    let list =
        ListArray::try_new(Arc::new(Field::new_list_field(DataType::Float64, true)), offsets, Arc::new(values), None)?;
    let special: Float64Array = sums.iter().map(ExactSum::special).collect();
    let count: UInt64Array = sums.iter().map(|s| Some(s.count)).collect();
    Ok(vec![Arc::new(list), Arc::new(special), Arc::new(count)])
}

/// Read back the state rows of [`state_arrays`], handing each with its row index.
fn read_states(states: &[ArrayRef], mut each: impl FnMut(usize, ExactSum)) {
    let list = states[0].as_list::<i32>();
    let special = states[1].as_primitive::<Float64Type>();
    let count = states[2].as_primitive::<UInt64Type>();
    for i in 0..list.len() {
        if list.is_null(i) {
            continue;
        }
        let partials = list.value(i);
        let partials = partials.as_primitive::<Float64Type>();
        let s = ExactSum {
            rest: Some(Box::new(Rest {
                partials: partials.iter().flatten().collect(),
                special: (!special.is_null(i)).then(|| special.value(i)),
            })),
            count: if count.is_null(i) { 0 } else { count.value(i) },
            ..ExactSum::default()
        };
        each(i, s);
    }
}

/// One group's accumulator (no `group by`, windows).
#[derive(Debug)]
struct One {
    kind: Kind,
    sum: ExactSum,
}

impl Accumulator for One {
    fn update_batch(&mut self, values: &[ArrayRef]) -> Result<()> {
        let sum = &mut self.sum;
        add_rows(values, |_, x, counts| if counts { sum.add_counted(x) } else { sum.add_value(x) });
        Ok(())
    }

    fn retract_batch(&mut self, values: &[ArrayRef]) -> Result<()> {
        let sum = &mut self.sum;
        add_rows(values, |_, x, counts| if counts { sum.remove_counted(x) } else { sum.add_value(-x) });
        Ok(())
    }

    fn supports_retract_batch(&self) -> bool {
        true
    }

    fn evaluate(&mut self) -> Result<ScalarValue> {
        Ok(ScalarValue::Float64(self.kind.finish(&self.sum)))
    }

    fn state(&mut self) -> Result<Vec<ScalarValue>> {
        let arrays = state_arrays(std::slice::from_ref(&self.sum))?;
        arrays.iter().map(|a| ScalarValue::try_from_array(a, 0)).collect()
    }

    fn merge_batch(&mut self, states: &[ArrayRef]) -> Result<()> {
        read_states(states, |_, s| self.sum.merge(&s));
        Ok(())
    }

    fn size(&self) -> usize {
        std::mem::size_of_val(self) + self.sum.rest_size()
    }
}

/// Every group's accumulator.
#[derive(Debug)]
struct Groups {
    kind: Kind,
    sums: Vec<ExactSum>,
    /// Whether any sum may hold more than its fixed-point part: until then, [`Groups::size`]
    /// need not visit every group (DataFusion asks after every batch).
    past: bool,
}

impl GroupsAccumulator for Groups {
    fn update_batch(
        &mut self,
        values: &[ArrayRef],
        group_indices: &[usize],
        opt_filter: Option<&BooleanArray>,
        total_num_groups: usize,
    ) -> Result<()> {
        self.sums.resize_with(total_num_groups, ExactSum::default);
        let sums = &mut self.sums;
        self.past |= add_rows(values, |i, x, counts| {
            if opt_filter.is_some_and(|f| !f.is_valid(i) || !f.value(i)) {
                return false;
            }
            let s = &mut sums[group_indices[i]];
            if counts { s.add_counted(x) } else { s.add_value(x) }
        });
        Ok(())
    }

    fn merge_batch(&mut self, values: &[ArrayRef], group_indices: &[usize], total_num_groups: usize) -> Result<()> {
        self.sums.resize_with(total_num_groups, ExactSum::default);
        let sums = &mut self.sums;
        read_states(values, |i, s| sums[group_indices[i]].merge(&s));
        self.past = true;
        Ok(())
    }

    fn evaluate(&mut self, emit_to: EmitTo) -> Result<ArrayRef> {
        let sums = emit_to.take_needed(&mut self.sums);
        let out: Float64Array = sums.iter().map(|s| self.kind.finish(s)).collect();
        Ok(Arc::new(out))
    }

    fn state(&mut self, emit_to: EmitTo) -> Result<Vec<ArrayRef>> {
        state_arrays(&emit_to.take_needed(&mut self.sums))
    }

    /// Each row its own group (DataFusion skipping a partial aggregation that does not
    /// reduce).
    fn convert_to_state(&self, values: &[ArrayRef], opt_filter: Option<&BooleanArray>) -> Result<Vec<ArrayRef>> {
        let mut sums = vec![ExactSum::default(); values[0].len()];
        add_rows(values, |i, x, counts| {
            if opt_filter.is_some_and(|f| !f.is_valid(i) || !f.value(i)) {
                return false;
            }
            if counts { sums[i].add_counted(x) } else { sums[i].add_value(x) }
        });
        state_arrays(&sums)
    }

    fn size(&self) -> usize {
        let rest = if self.past { self.sums.iter().map(ExactSum::rest_size).sum() } else { 0 };
        std::mem::size_of_val(self) + self.sums.capacity() * std::mem::size_of::<ExactSum>() + rest
    }
}
