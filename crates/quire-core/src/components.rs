//! The component catalogue: every tag an author may write, its props, and the checks a
//! page passes before any query runs (unknown tags, unknown props, unknown queries).

use crate::diag::Problem;
use crate::page::{Component, Node, Page, PropValue};

/// What a component is, for checking and for laying it out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Sits inside a sentence (`Value`).
    Inline,
    /// Takes a block of its own (charts, tables, big values).
    Block,
    /// A control the reader changes (`Dropdown`); queries read it as `${inputs.name.value}`.
    Input,
    /// Only meaningful inside another component (`Column` in `DataTable`).
    Child(&'static str),
    /// Drawn inside a chart (`ReferenceLine`).
    Annotation,
}

/// The charts annotations may sit in.
pub const CHARTS: &[&str] =
    &["LineChart", "AreaChart", "BarChart", "ScatterPlot", "BubbleChart", "Histogram", "BoxPlot", "Chart"];

pub struct Spec {
    pub name: &'static str,
    pub kind: Kind,
    pub props: &'static [&'static str],
    /// Props without which the component cannot render.
    pub required: &'static [&'static str],
}

/// `<LineChart>`: what Evidence documents or its component takes, and quire's own extras.
const LINE_PROPS: &[&str] = &[
    "data",
    "x",
    "y",
    "series",
    "title",
    "subtitle",
    "xAxisTitle",
    "yAxisTitle",
    "xFmt",
    "yFmt",
    "legend",
    "chartAreaHeight",
    "colorPalette",
    "sort",
    "labels",
    "markers",
    "lineWidth",
    "handleMissing",
    "yMin",
    "yMax",
    "xMin",
    "xMax",
    "step",
    "emptySet",
    "emptyMessage",
    "xGridlines",
    "yGridlines",
    "xAxisLabels",
    "yAxisLabels",
    "seriesOrder",
    "labelFmt",
    "echartsOptions",
    "renderer",
    "connectGroup",
    "y2",
    "xType",
    "yLog",
    "yLogBase",
    "y2SeriesType",
    "y2Fmt",
    "y2AxisTitle",
    "y2Gridlines",
    "y2AxisLabels",
    "xBaseline",
    "yBaseline",
    "y2Baseline",
    "xTickMarks",
    "yTickMarks",
    "y2TickMarks",
    "yScale",
    "y2Min",
    "y2Max",
    "y2Scale",
    "lineColor",
    "lineType",
    "lineOpacity",
    "markerShape",
    "markerSize",
    "stepPosition",
    "labelSize",
    "labelPosition",
    "labelColor",
    "yLabelFmt",
    "y2LabelFmt",
    "showAllLabels",
    "yAxisColor",
    "y2AxisColor",
    "seriesOptions",
    "printEchartsConfig",
    "downloadableData",
    "downloadableImage",
    "seriesColors",
    "seriesLabelFmt",
    "leftPadding",
    "rightPadding",
    "xLabelWrap",
];

/// `<AreaChart>`: what Evidence documents or its component takes, and quire's own extras.
const AREA_PROPS: &[&str] = &[
    "data",
    "x",
    "y",
    "series",
    "title",
    "subtitle",
    "xAxisTitle",
    "yAxisTitle",
    "xFmt",
    "yFmt",
    "legend",
    "chartAreaHeight",
    "colorPalette",
    "sort",
    "type",
    "labels",
    "markers",
    "lineWidth",
    "handleMissing",
    "yMin",
    "yMax",
    "xMin",
    "xMax",
    "step",
    "emptySet",
    "emptyMessage",
    "fillOpacity",
    "xGridlines",
    "yGridlines",
    "xAxisLabels",
    "yAxisLabels",
    "seriesOrder",
    "labelFmt",
    "echartsOptions",
    "renderer",
    "connectGroup",
    "xType",
    "yLog",
    "yLogBase",
    "xBaseline",
    "yBaseline",
    "xTickMarks",
    "yTickMarks",
    "yScale",
    "lineColor",
    "stepPosition",
    "labelSize",
    "labelPosition",
    "labelColor",
    "showAllLabels",
    "seriesOptions",
    "printEchartsConfig",
    "downloadableData",
    "downloadableImage",
    "seriesColors",
    "seriesLabelFmt",
    "leftPadding",
    "rightPadding",
    "xLabelWrap",
    "line",
    "fillColor",
];

/// `<BarChart>`: what Evidence documents or its component takes, and quire's own extras.
const BAR_PROPS: &[&str] = &[
    "data",
    "x",
    "y",
    "series",
    "title",
    "subtitle",
    "xAxisTitle",
    "yAxisTitle",
    "xFmt",
    "yFmt",
    "legend",
    "chartAreaHeight",
    "colorPalette",
    "sort",
    "type",
    "swapXY",
    "labels",
    "yMin",
    "yMax",
    "emptySet",
    "emptyMessage",
    "fillOpacity",
    "xGridlines",
    "yGridlines",
    "xAxisLabels",
    "yAxisLabels",
    "seriesOrder",
    "labelFmt",
    "echartsOptions",
    "renderer",
    "connectGroup",
    "y2",
    "xType",
    "yLog",
    "yLogBase",
    "y2SeriesType",
    "y2Fmt",
    "y2AxisTitle",
    "y2Gridlines",
    "y2AxisLabels",
    "xBaseline",
    "yBaseline",
    "y2Baseline",
    "xTickMarks",
    "yTickMarks",
    "y2TickMarks",
    "yScale",
    "y2Min",
    "y2Max",
    "y2Scale",
    "labelSize",
    "labelPosition",
    "labelColor",
    "yLabelFmt",
    "y2LabelFmt",
    "showAllLabels",
    "yAxisColor",
    "y2AxisColor",
    "seriesOptions",
    "printEchartsConfig",
    "downloadableData",
    "downloadableImage",
    "seriesColors",
    "seriesLabelFmt",
    "leftPadding",
    "rightPadding",
    "xLabelWrap",
    "fillColor",
    "showAllXAxisLabels",
    "outlineColor",
    "outlineWidth",
    "stackTotalLabel",
    "seriesLabels",
    "stackName",
];

/// `<ScatterPlot>`: what Evidence documents or its component takes, and quire's own extras.
const SCATTER_PROPS: &[&str] = &[
    "data",
    "x",
    "y",
    "series",
    "title",
    "subtitle",
    "xAxisTitle",
    "yAxisTitle",
    "xFmt",
    "yFmt",
    "legend",
    "chartAreaHeight",
    "colorPalette",
    "sort",
    "yMin",
    "yMax",
    "xMin",
    "xMax",
    "emptySet",
    "emptyMessage",
    "fillOpacity",
    "size",
    "xGridlines",
    "yGridlines",
    "xAxisLabels",
    "yAxisLabels",
    "seriesOrder",
    "echartsOptions",
    "renderer",
    "connectGroup",
    "yLog",
    "yLogBase",
    "xBaseline",
    "yBaseline",
    "xTickMarks",
    "yTickMarks",
    "seriesOptions",
    "printEchartsConfig",
    "downloadableData",
    "downloadableImage",
    "seriesColors",
    "seriesLabelFmt",
    "leftPadding",
    "rightPadding",
    "xLabelWrap",
    "fillColor",
    "outlineColor",
    "outlineWidth",
    "shape",
    "opacity",
    "pointSize",
    "tooltipTitle",
];

/// `<Histogram>`: what Evidence documents or its component takes, and quire's own extras.
const HISTOGRAM_PROPS: &[&str] = &[
    "data",
    "x",
    "title",
    "subtitle",
    "xAxisTitle",
    "yAxisTitle",
    "xFmt",
    "legend",
    "chartAreaHeight",
    "colorPalette",
    "labels",
    "yMin",
    "yMax",
    "emptySet",
    "emptyMessage",
    "fillOpacity",
    "bins",
    "xGridlines",
    "yGridlines",
    "xAxisLabels",
    "yAxisLabels",
    "echartsOptions",
    "renderer",
    "connectGroup",
    "xBaseline",
    "yBaseline",
    "xTickMarks",
    "yTickMarks",
    "seriesOptions",
    "printEchartsConfig",
    "downloadableData",
    "downloadableImage",
    "leftPadding",
    "rightPadding",
    "xLabelWrap",
    "fillColor",
];

/// `ReferencePoint` and `Callout`: Evidence documents the same props for both.
const POINT_PROPS: &[&str] = &[
    "data",
    "x",
    "y",
    "label",
    "color",
    "labelColor",
    "labelWidth",
    "labelPadding",
    "labelPosition",
    "labelBackgroundColor",
    "labelBorderWidth",
    "labelBorderRadius",
    "labelBorderColor",
    "labelBorderType",
    "fontSize",
    "align",
    "bold",
    "italic",
    "symbol",
    "symbolColor",
    "symbolSize",
    "symbolOpacity",
    "symbolBorderWidth",
    "symbolBorderColor",
    "preserveWhitespace",
    "emptySet",
    "emptyMessage",
];

/// `DateInput`'s props: `DateRange`'s, and `range`, which makes it one.
const DATE_INPUT_PROPS: &[&str] = &[
    "name",
    "data",
    "dates",
    "title",
    "start",
    "end",
    "description",
    "hideDuringPrint",
    "presetRanges",
    "defaultValue",
    "range",
];

const DATE_RANGE_PROPS: &[&str] = match DATE_INPUT_PROPS.split_last() {
    Some((_, range_props)) => range_props,
    None => &[],
};

const BUBBLE_PROPS: &[&str] = &[
    "data",
    "x",
    "y",
    "size",
    "series",
    "title",
    "subtitle",
    "xAxisTitle",
    "yAxisTitle",
    "xFmt",
    "yFmt",
    "sizeFmt",
    "legend",
    "chartAreaHeight",
    "colorPalette",
    "xMin",
    "xMax",
    "yMin",
    "yMax",
    "scaleTo",
    "fillOpacity",
    "outlineWidth",
    "outlineColor",
    "emptySet",
    "emptyMessage",
    "xGridlines",
    "yGridlines",
    "xAxisLabels",
    "yAxisLabels",
    "tooltipTitle",
    "seriesOrder",
    "echartsOptions",
    "renderer",
    "connectGroup",
    "yLog",
    "yLogBase",
    "xBaseline",
    "yBaseline",
    "xTickMarks",
    "yTickMarks",
    "shape",
    "fillColor",
    "opacity",
    "sort",
    "seriesOptions",
    "printEchartsConfig",
    "downloadableData",
    "downloadableImage",
    "seriesColors",
    "seriesLabelFmt",
    "leftPadding",
    "rightPadding",
    "xLabelWrap",
];

pub const CATALOGUE: &[Spec] = &[
    Spec {
        name: "Value",
        kind: Kind::Inline,
        props: &[
            "data",
            "column",
            "row",
            "fmt",
            "placeholder",
            "agg",
            "emptySet",
            "emptyMessage",
            "redNegatives",
            "value",
            "description",
            "color",
        ],
        required: &["data"],
    },
    Spec {
        name: "Delta",
        kind: Kind::Inline,
        props: &[
            "data",
            "column",
            "row",
            "value",
            "fmt",
            "downIsGood",
            "showSymbol",
            "showValue",
            "text",
            "neutralMin",
            "neutralMax",
            "chip",
            "symbolPosition",
            "emptySet",
            "emptyMessage",
        ],
        required: &[],
    },
    Spec {
        name: "BigValue",
        kind: Kind::Block,
        props: &[
            "data",
            "value",
            "title",
            "fmt",
            "comparison",
            "comparisonFmt",
            "comparisonTitle",
            "comparisonDelta",
            "downIsGood",
            "sparkline",
            "sparklineType",
            "sparklineValueFmt",
            "maxWidth",
            "minWidth",
            "link",
            "description",
            "emptySet",
            "emptyMessage",
            "sparklineColor",
            "sparklineDateFmt",
            "sparklineYScale",
            "connectGroup",
            "neutralMin",
            "neutralMax",
            "titleClass",
            "valueClass",
            "comparisonClass",
        ],
        required: &["data", "value"],
    },
    Spec {
        name: "DataTable",
        kind: Kind::Block,
        props: &[
            "data",
            "rows",
            "title",
            "subtitle",
            "search",
            "sort",
            "totalRow",
            "rowNumbers",
            "link",
            "rowShading",
            "rowLines",
            "compact",
            "emptySet",
            "emptyMessage",
            "downloadable",
            "formatColumnTitles",
            "headerColor",
            "headerFontColor",
            "backgroundColor",
            "wrapTitles",
            "groupBy",
            "sortable",
            "groupsOpen",
            "groupType",
            "accordionRowColor",
            "groupNamePosition",
            "subtotals",
            "subtotalRowColor",
            "subtotalFontColor",
            "generateMarkdown",
            "totalRowColor",
            "totalFontColor",
            "showLinkCol",
            "subtotalFmt",
        ],
        required: &["data"],
    },
    Spec {
        name: "Column",
        kind: Kind::Child("DataTable"),
        props: &[
            "id",
            "title",
            "fmt",
            "align",
            "totalAgg",
            "totalFmt",
            "contentType",
            "wrap",
            "description",
            "redNegatives",
            "colGroup",
            "width",
            "wrapTitle",
            "height",
            "alt",
            "openInNewTab",
            "linkLabel",
            "weightCol",
            "subtotalFmt",
            "colorMax",
            "colorMin",
            "colorMid",
            "colorBreakpoints",
            "scaleColor",
            "colorScale",
            "scaleColumn",
            "downIsGood",
            "showValue",
            "deltaSymbol",
            "neutralMin",
            "neutralMax",
            "chip",
            "sparkWidth",
            "sparkHeight",
            "sparkColor",
            "sparkX",
            "sparkY",
            "sparkYScale",
            "barColor",
            "negativeBarColor",
            "backgroundColor",
            "hideLabels",
            "fmtColumn",
        ],
        required: &["id"],
    },
    Spec { name: "LineChart", kind: Kind::Block, props: LINE_PROPS, required: &["data"] },
    Spec { name: "AreaChart", kind: Kind::Block, props: AREA_PROPS, required: &["data"] },
    Spec { name: "BarChart", kind: Kind::Block, props: BAR_PROPS, required: &["data"] },
    Spec { name: "ScatterPlot", kind: Kind::Block, props: SCATTER_PROPS, required: &["data"] },
    Spec { name: "Histogram", kind: Kind::Block, props: HISTOGRAM_PROPS, required: &["data"] },
    Spec { name: "BubbleChart", kind: Kind::Block, props: BUBBLE_PROPS, required: &["data", "size"] },
    Spec {
        name: "Heatmap",
        kind: Kind::Block,
        props: &[
            "data",
            "x",
            "y",
            "value",
            "valueFmt",
            "title",
            "subtitle",
            "min",
            "max",
            "colorPalette",
            "valueLabels",
            "mobileValueLabels",
            "xSort",
            "ySort",
            "xLabelRotation",
            "xTickMarks",
            "yTickMarks",
            "cellHeight",
            "legend",
            "nullsZero",
            "zeroDisplay",
            "emptySet",
            "emptyMessage",
            "chartAreaHeight",
            "echartsOptions",
            "renderer",
            "filter",
            "borders",
            "xSortOrder",
            "ySortOrder",
            "xAxisPosition",
            "colorScale",
            "seriesOptions",
            "printEchartsConfig",
            "leftPadding",
            "rightPadding",
            "downloadableData",
            "downloadableImage",
            "connectGroup",
        ],
        required: &["data", "x", "y", "value"],
    },
    Spec {
        name: "BoxPlot",
        kind: Kind::Block,
        props: &[
            "data",
            "name",
            "min",
            "intervalBottom",
            "midpoint",
            "intervalTop",
            "max",
            "confidenceInterval",
            "color",
            "yFmt",
            "xFmt",
            "yLog",
            "yLogBase",
            "seriesColors",
            "leftPadding",
            "rightPadding",
            "xLabelWrap",
            "swapXY",
            "xAxisTitle",
            "yAxisTitle",
            "xGridlines",
            "yGridlines",
            "xAxisLabels",
            "yAxisLabels",
            "xBaseline",
            "yBaseline",
            "xTickMarks",
            "yTickMarks",
            "yMin",
            "yMax",
            "title",
            "subtitle",
            "legend",
            "chartAreaHeight",
            "emptySet",
            "emptyMessage",
            "renderer",
            "downloadableData",
            "downloadableImage",
            "echartsOptions",
            "seriesOptions",
            "printEchartsConfig",
            "connectGroup",
            "series",
            "xType",
        ],
        required: &["data", "name", "midpoint"],
    },
    Spec {
        name: "CalendarHeatmap",
        kind: Kind::Block,
        props: &[
            "data",
            "date",
            "value",
            "min",
            "max",
            "emptySet",
            "emptyMessage",
            "colorScale",
            "colorPalette",
            "valueFmt",
            "yearLabel",
            "monthLabel",
            "dayLabel",
            "title",
            "subtitle",
            "chartAreaHeight",
            "legend",
            "filter",
            "renderer",
            "downloadableData",
            "downloadableImage",
            "echartsOptions",
            "seriesOptions",
            "printEchartsConfig",
            "connectGroup",
        ],
        required: &["data", "date", "value"],
    },
    Spec {
        name: "FunnelChart",
        kind: Kind::Block,
        props: &[
            "data",
            "nameCol",
            "valueCol",
            "valueFmt",
            "title",
            "subtitle",
            "showPercent",
            "labelPosition",
            "funnelSort",
            "funnelAlign",
            "legend",
            "outlineColor",
            "outlineWidth",
            "colorPalette",
            "emptySet",
            "emptyMessage",
            "echartsOptions",
            "renderer",
            "connectGroup",
            "seriesOptions",
            "printEchartsConfig",
        ],
        required: &["data", "nameCol", "valueCol"],
    },
    Spec {
        name: "SankeyDiagram",
        kind: Kind::Block,
        props: &[
            "data",
            "sourceCol",
            "targetCol",
            "valueCol",
            "percentCol",
            "valueFmt",
            "percentFmt",
            "depthOverride",
            "title",
            "subtitle",
            "orient",
            "sort",
            "nodeAlign",
            "nodeGap",
            "nodeWidth",
            "outlineColor",
            "outlineWidth",
            "colorPalette",
            "linkColor",
            "nodeLabels",
            "linkLabels",
            "chartAreaHeight",
            "emptySet",
            "emptyMessage",
            "echartsOptions",
            "printEchartsConfig",
        ],
        required: &["data"],
    },
    Spec {
        name: "Sparkline",
        kind: Kind::Inline,
        props: &[
            "data",
            "dateCol",
            "valueCol",
            "type",
            "color",
            "height",
            "width",
            "valueFmt",
            "dateFmt",
            "yScale",
            "interactive",
            "emptySet",
            "emptyMessage",
            "connectGroup",
        ],
        required: &["data", "dateCol", "valueCol"],
    },
    Spec {
        name: "ReferenceLine",
        kind: Kind::Annotation,
        props: &[
            "data",
            "x",
            "y",
            "x2",
            "y2",
            "label",
            "color",
            "lineColor",
            "lineType",
            "lineWidth",
            "labelPosition",
            "labelColor",
            "labelBackground",
            "hideValue",
            "symbolStart",
            "symbolEnd",
            "fontSize",
            "bold",
            "italic",
            "emptySet",
            "symbolStartSize",
            "symbolEndSize",
            "labelPadding",
            "labelBackgroundColor",
            "labelBorderWidth",
            "labelBorderRadius",
            "labelBorderColor",
            "labelBorderType",
            "align",
        ],
        required: &[],
    },
    Spec {
        name: "ReferenceArea",
        kind: Kind::Annotation,
        props: &[
            "data",
            "xMin",
            "xMax",
            "yMin",
            "yMax",
            "label",
            "color",
            "areaColor",
            "opacity",
            "labelPosition",
            "labelColor",
            "border",
            "borderColor",
            "borderType",
            "borderWidth",
            "fontSize",
            "bold",
            "italic",
            "emptySet",
            "labelPadding",
            "labelBackgroundColor",
            "labelBorderWidth",
            "labelBorderRadius",
            "labelBorderColor",
            "labelBorderType",
            "align",
        ],
        required: &[],
    },
    Spec { name: "ReferencePoint", kind: Kind::Annotation, props: POINT_PROPS, required: &[] },
    Spec { name: "Callout", kind: Kind::Annotation, props: POINT_PROPS, required: &[] },
    Spec {
        name: "Dropdown",
        kind: Kind::Input,
        props: &[
            "name",
            "data",
            "value",
            "label",
            "title",
            "multiple",
            "defaultValue",
            "selectAllByDefault",
            "noDefault",
            "description",
            "hideDuringPrint",
            "disableSelectAll",
            "order",
            "where",
        ],
        required: &["name"],
    },
    Spec {
        name: "DropdownOption",
        kind: Kind::Child("Dropdown"),
        props: &["value", "valueLabel"],
        required: &["value"],
    },
    Spec {
        name: "ButtonGroup",
        kind: Kind::Input,
        props: &[
            "name",
            "data",
            "value",
            "label",
            "title",
            "defaultValue",
            "description",
            "hideDuringPrint",
            "preset",
            "display",
            "color",
            "order",
            "where",
        ],
        required: &["name"],
    },
    Spec {
        name: "ButtonGroupItem",
        kind: Kind::Child("ButtonGroup"),
        props: &["value", "valueLabel", "default", "hideDuringPrint"],
        required: &["value"],
    },
    Spec {
        name: "TextInput",
        kind: Kind::Input,
        props: &["name", "title", "placeholder", "defaultValue", "description", "hideDuringPrint", "unsafe"],
        required: &["name"],
    },
    Spec { name: "DateRange", kind: Kind::Input, props: DATE_RANGE_PROPS, required: &["name"] },
    Spec { name: "DateInput", kind: Kind::Input, props: DATE_INPUT_PROPS, required: &["name"] },
    Spec {
        name: "Slider",
        kind: Kind::Input,
        props: &[
            "name",
            "title",
            "min",
            "max",
            "step",
            "defaultValue",
            "fmt",
            "description",
            "data",
            "emptySet",
            "showMaxMin",
            "hideDuringPrint",
            "range",
            "size",
            "maxColumn",
            "minColumn",
            "debounceDelay",
            "showInput",
            "showMinMax",
        ],
        required: &["name"],
    },
    Spec {
        name: "DimensionGrid",
        kind: Kind::Input,
        props: &["data", "metric", "name", "title", "subtitle", "metricLabel", "fmt", "limit", "multiple"],
        required: &["data"],
    },
    Spec {
        name: "Checkbox",
        kind: Kind::Input,
        props: &["name", "title", "checked", "defaultValue", "description", "hideDuringPrint"],
        required: &["name"],
    },
];

/// A map layer's props (Evidence's `Areas`, `Points`, `Bubbles`, and the maps made of one
/// layer), then `$own`, then with `frame` the map's own (`BaseMap`'s).
macro_rules! map_props {
    (frame $($own:literal),*) => {
        map_props!(@layer $($own,)* "title", "subtitle", "basemap", "attribution", "startingLat", "startingLong", "startingZoom", "height")
    };
    (layer $($own:literal),*) => { map_props!(@layer $($own,)* "paneType", "z") };
    (@layer $($own:literal),*) => {
        &[
            "data", "value", "valueFmt", "ignoreZoom", "colorPalette", "min", "max", "legend", "legendType",
            "legendPosition", "link", "name", "color", "borderWidth", "borderColor", "opacity", "selectedColor",
            "selectedBorderWidth", "selectedBorderColor", "selectedOpacity", "showTooltip", "tooltipType",
            "tooltipClass", "tooltip", $($own),*
        ]
    };
}

/// Maps (see `quire-render`'s `map`): Evidence's documented props for each, its layers'
/// inside `<BaseMap>`.
const MAPS: &[Spec] = &[
    Spec {
        name: "AreaMap",
        kind: Kind::Block,
        props: map_props!(frame "geoJsonUrl", "areaCol", "geoId"),
        required: &["data", "geoJsonUrl", "areaCol", "geoId"],
    },
    Spec {
        name: "PointMap",
        kind: Kind::Block,
        props: map_props!(frame "lat", "long", "pointName", "size"),
        required: &["data", "lat", "long"],
    },
    Spec {
        name: "BubbleMap",
        kind: Kind::Block,
        props: map_props!(frame "lat", "long", "pointName", "size", "sizeFmt", "maxSize"),
        required: &["data", "lat", "long", "size"],
    },
    Spec {
        name: "BaseMap",
        kind: Kind::Block,
        props: &[
            "title",
            "subtitle",
            "basemap",
            "attribution",
            "startingLat",
            "startingLong",
            "startingZoom",
            "height",
        ],
        required: &[],
    },
    Spec {
        name: "Areas",
        kind: Kind::Child("BaseMap"),
        props: map_props!(layer "geoJsonUrl", "areaCol", "geoId"),
        required: &["data", "geoJsonUrl", "areaCol", "geoId"],
    },
    Spec {
        name: "Points",
        kind: Kind::Child("BaseMap"),
        props: map_props!(layer "lat", "long", "pointName", "size"),
        required: &["data", "lat", "long"],
    },
    Spec {
        name: "Bubbles",
        kind: Kind::Child("BaseMap"),
        props: map_props!(layer "lat", "long", "pointName", "size", "sizeFmt", "maxSize"),
        required: &["data", "lat", "long", "size"],
    },
    Spec {
        name: "USMap",
        kind: Kind::Block,
        props: &[
            "data",
            "state",
            "abbreviations",
            "value",
            "colorScale",
            "colorPalette",
            "min",
            "max",
            "title",
            "subtitle",
            "link",
            "fmt",
            "legend",
            "filter",
            "emptySet",
            "emptyMessage",
            "renderer",
            "downloadableData",
            "downloadableImage",
            "echartsOptions",
            "seriesOptions",
            "printEchartsConfig",
            "connectGroup",
        ],
        required: &["data", "state", "value"],
    },
];

/// `<Chart>` and the series inside it (Evidence's mixed-type charts; see `quire-render`'s
/// `chart::mixed`).
const MIXED: &[Spec] = &[
    Spec {
        name: "Chart",
        kind: Kind::Block,
        props: &[
            "data",
            "x",
            "y",
            "sort",
            "series",
            "xFmt",
            "yFmt",
            "yLog",
            "yLogBase",
            "emptySet",
            "emptyMessage",
            "swapXY",
            "title",
            "subtitle",
            "legend",
            "chartAreaHeight",
            "xAxisTitle",
            "yAxisTitle",
            "xGridlines",
            "yGridlines",
            "xAxisLabels",
            "yAxisLabels",
            "xBaseline",
            "yBaseline",
            "xTickMarks",
            "yTickMarks",
            "yMin",
            "yMax",
            "yScale",
            "options",
            "colorPalette",
            "seriesColors",
            "renderer",
            "downloadableData",
            "downloadableImage",
        ],
        required: &["data"],
    },
    Spec {
        name: "Line",
        kind: Kind::Child("Chart"),
        props: &[
            "y",
            "series",
            "name",
            "lineColor",
            "lineOpacity",
            "lineType",
            "lineWidth",
            "markers",
            "markerShape",
            "markerSize",
            "handleMissing",
            "options",
        ],
        required: &[],
    },
    Spec {
        name: "Area",
        kind: Kind::Child("Chart"),
        props: &["y", "series", "name", "fillColor", "fillOpacity", "line", "handleMissing", "options"],
        required: &[],
    },
    Spec {
        name: "Bar",
        kind: Kind::Child("Chart"),
        props: &[
            "y",
            "name",
            "type",
            "stackName",
            "fillColor",
            "fillOpacity",
            "outlineWidth",
            "outlineColor",
            "options",
        ],
        required: &[],
    },
    Spec {
        name: "Scatter",
        kind: Kind::Child("Chart"),
        props: &["y", "name", "shape", "pointSize", "opacity", "fillColor", "outlineWidth", "outlineColor", "options"],
        required: &[],
    },
    Spec {
        name: "Bubble",
        kind: Kind::Child("Chart"),
        props: &[
            "y",
            "size",
            "name",
            "shape",
            "minSize",
            "maxSize",
            "opacity",
            "fillColor",
            "outlineWidth",
            "outlineColor",
            "options",
        ],
        required: &[],
    },
    Spec {
        name: "Hist",
        kind: Kind::Child("Chart"),
        props: &["x", "fillColor", "fillOpacity", "options"],
        required: &[],
    },
];

/// Layout and annotation components (see `quire-render`'s `layout`).
const LAYOUT: &[Spec] = &[
    Spec { name: "Details", kind: Kind::Block, props: &["title", "open", "printShowAll"], required: &[] },
    Spec { name: "Alert", kind: Kind::Block, props: &["status", "title", "description"], required: &[] },
    Spec { name: "Note", kind: Kind::Block, props: &["title", "class"], required: &[] },
    Spec {
        name: "Info",
        kind: Kind::Inline,
        props: &["description", "color", "size", "className"],
        required: &["description"],
    },
    Spec {
        name: "Tabs",
        kind: Kind::Block,
        props: &["id", "color", "fullWidth", "background", "printShowAll"],
        required: &[],
    },
    Spec {
        name: "Tab",
        kind: Kind::Child("Tabs"),
        props: &["label", "id", "description", "printShowAll", "selected"],
        required: &["label"],
    },
    Spec { name: "Accordion", kind: Kind::Block, props: &["single", "class"], required: &[] },
    Spec {
        name: "AccordionItem",
        kind: Kind::Child("Accordion"),
        props: &["title", "description", "class"],
        required: &["title"],
    },
    Spec { name: "Modal", kind: Kind::Block, props: &["buttonText", "title", "open"], required: &["buttonText"] },
    Spec { name: "PageBreak", kind: Kind::Block, props: &[], required: &[] },
    Spec { name: "PrintGroup", kind: Kind::Block, props: &["hidden"], required: &[] },
    Spec { name: "LineBreak", kind: Kind::Inline, props: &["lines"], required: &[] },
    Spec { name: "Grid", kind: Kind::Block, props: &["cols", "gapSize"], required: &[] },
    Spec { name: "Group", kind: Kind::Block, props: &[], required: &[] },
    Spec { name: "LinkButton", kind: Kind::Block, props: &["url"], required: &["url"] },
    Spec { name: "Link", kind: Kind::Inline, props: &["url", "label", "newTab", "class"], required: &["url"] },
    Spec { name: "BigLink", kind: Kind::Block, props: &["url", "href"], required: &[] },
    Spec {
        name: "Image",
        kind: Kind::Block,
        props: &["url", "description", "width", "height", "border", "align", "class"],
        required: &["url"],
    },
    Spec {
        name: "Embed",
        kind: Kind::Block,
        props: &["url", "title", "width", "height", "border", "align", "class"],
        required: &["url"],
    },
    Spec {
        name: "DownloadData",
        kind: Kind::Block,
        props: &["data", "queryID", "text", "display", "emptySet"],
        required: &["data"],
    },
    Spec { name: "LastRefreshed", kind: Kind::Inline, props: &["prefix", "printShowDate", "dateFmt"], required: &[] },
];

/// What quire does with a prop the catalogue accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PropStatus {
    /// It changes what is drawn (tested: `quire-render/tests/props.rs`).
    Drawn,
    /// Evidence's, accepted, but quire draws the component as if it were not set; a page
    /// that uses it is warned.
    NotYet,
    /// It configures ECharts, which quire does not use; a page that uses it is warned.
    NotApplicable,
    /// quire does not honour it on principle ([`refusal`] says why); a page that uses it is
    /// warned.
    Refused,
}

impl PropStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            PropStatus::Drawn => "drawn",
            PropStatus::NotYet => "not yet",
            PropStatus::NotApplicable => "not applicable",
            PropStatus::Refused => "refused",
        }
    }
}

/// Props that set up ECharts itself: quire draws SVG and has nothing to pass them to.
///
/// `connectGroup` links ECharts instances so that hovering one shows the others' tooltips
/// (`echarts.connect`): quire's charts are separate SVGs with no such link.
/// Evidence's props quire refuses on principle, and why: Tailwind classes (quire ships no
/// Tailwind and styles its components itself), map tiles from another site (a quire site
/// loads nothing from other origins), and text pasted into SQL unescaped.
const REFUSED: &[(&str, &str)] = &[
    ("class", TAILWIND),
    ("className", TAILWIND),
    ("titleClass", TAILWIND),
    ("valueClass", TAILWIND),
    ("comparisonClass", TAILWIND),
    ("tooltipClass", TAILWIND),
    (
        "basemap",
        "a quire site loads nothing from other sites, so maps have no tiles: regions and points are drawn over the world's country outlines quire ships",
    ),
    (
        "unsafe",
        "quire never pastes a reader's text into SQL: it is passed as a parameter, so quotes and `%` are the reader's text",
    ),
];

const TAILWIND: &str =
    "quire ships no Tailwind CSS and styles its components itself, so Tailwind classes would do nothing";

/// Why quire refuses `prop`, when it does.
pub fn refusal(prop: &str) -> Option<&'static str> {
    REFUSED.iter().find(|(p, _)| *p == prop).map(|(_, why)| *why)
}

const ECHARTS_ONLY: &[&str] =
    &["echartsOptions", "seriesOptions", "printEchartsConfig", "renderer", "connectGroup", "options"];

/// Props honoured by the build rather than the renderer, so no rendering shows them:
/// `emptySet` (the empty-data warning), an input's `where` and `order` (the query its
/// choices come from: tested in `tests/testsuite/inputs.rs`), a grid's `metric` and `limit`
/// (the SQL of its cuts: tested against DuckDB in `tests/testsuite/grid.rs`).
pub const BUILD_PROPS: &[&str] = &["emptySet", "where", "order", "metric", "limit"];

/// `Component prop` per line: the props quire accepts from Evidence and does not draw yet.
/// `quire-render/tests/props.rs` fails when a listed prop starts to change what is drawn,
/// or an unlisted one does not.
const NOT_YET: &str = include_str!("props-not-yet.txt");

pub fn prop_status(component: &str, prop: &str) -> PropStatus {
    if ECHARTS_ONLY.contains(&prop) {
        return PropStatus::NotApplicable;
    }
    if refusal(prop).is_some() {
        return PropStatus::Refused;
    }
    let listed = NOT_YET.lines().any(|l| l.split_once(' ').is_some_and(|(c, p)| c == component && p == prop));
    if listed { PropStatus::NotYet } else { PropStatus::Drawn }
}

/// A warning for each prop on the page that quire accepts and does not draw: what the
/// reader sees instead. (`quire build --strict` makes them errors.)
pub fn prop_warnings(page: &Page) -> Vec<Problem> {
    let mut out = page.lenient.clone();
    for c in page.components() {
        let Some(spec) = spec(&c.name) else { continue };
        for p in c.props.iter().filter(|p| spec.props.contains(&p.name.as_str())) {
            match prop_status(&c.name, &p.name) {
                PropStatus::Drawn => {}
                PropStatus::Refused => out.push(
                    Problem::new(format!("`{}` has no effect in quire", p.name), p.name_span)
                        .label("no effect")
                        .help(format!("{}; remove `{}`", refusal(&p.name).unwrap_or_default(), p.name)),
                ),
                PropStatus::NotYet => out.push(
                    Problem::new(format!("`<{}>` does not draw `{}` yet", c.name, p.name), p.name_span)
                        .label("no effect")
                        .help("quire draws the component as if this prop were not set; remove it, or see the props table of this component in quire's documentation"),
                ),
                PropStatus::NotApplicable => out.push(
                    Problem::new(format!("`{}` configures ECharts, which quire does not use", p.name), p.name_span)
                        .label("no effect")
                        .help("quire draws its charts as SVG with its own props; remove it"),
                ),
            }
        }
        if let Some(p) = c.prop("tooltip")
            && MAPS.iter().any(|m| m.name == c.name)
        {
            out.extend(tooltip_warnings(p));
        }
    }
    out
}

/// The fields a map's `tooltip` list may give, and what quire does with each.
const TOOLTIP_FIELDS: &[&str] =
    &["id", "title", "fmt", "showColumnName", "contentType", "linkLabel", "formatColumnTitle"];

/// A map's `tooltip={[{id: 'sales', valueClass: 'text-xl'}]}`: keys quire does not act on.
fn tooltip_warnings(p: &crate::page::Prop) -> Vec<Problem> {
    let text = match &p.value {
        PropValue::Expr(t) | PropValue::Str(t) => t,
        _ => return Vec::new(),
    };
    let Some(crate::script::JsVal::Array(items)) = crate::script::JsVal::parse_literal(text) else { return Vec::new() };
    let mut keys: Vec<&str> = Vec::new();
    for item in &items {
        if let crate::script::JsVal::Object(kv) = item {
            for (k, _) in kv {
                if !TOOLTIP_FIELDS.contains(&k.as_str()) && !keys.contains(&k.as_str()) {
                    keys.push(k);
                }
            }
        }
    }
    keys.into_iter()
        .map(|k| {
            let help = if k.ends_with("Class") {
                "quire styles its tooltips itself and applies no Tailwind classes; remove it".to_string()
            } else {
                format!("a tooltip field takes: {}", TOOLTIP_FIELDS.join(", "))
            };
            Problem::new(format!("tooltip fields' `{k}` has no effect"), p.value_span).label("no effect").help(help)
        })
        .collect()
}

/// Every component, for suggestions and documentation.
pub fn all() -> impl Iterator<Item = &'static Spec> {
    CATALOGUE.iter().chain(LAYOUT).chain(MAPS).chain(MIXED)
}

pub fn spec(name: &str) -> Option<&'static Spec> {
    all().find(|s| s.name == name)
}

/// The closest of `candidates` to `word`, if one is close enough to be a likely typo.
pub fn suggest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&word.to_ascii_lowercase(), &c.to_ascii_lowercase()), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// Errors go to `problems`; what Evidence would ignore (a prop the component does not take)
/// to `lenient`, as warnings.
pub(crate) fn check_page(page: &Page, problems: &mut Vec<Problem>, lenient: &mut Vec<Problem>) {
    // A script's names read like queries: `data={regions}`, `{#each regions as r}`.
    let declared = crate::script::declared_names(&page.scripts);
    let mut queries: Vec<&str> = page.queries.iter().map(|q| q.name.as_str()).collect();
    queries.extend(declared.iter().map(String::as_str));
    let mut checks = Checks { problems, lenient };
    check_nodes(&page.body, None, &queries, &mut Vec::new(), &mut checks);
}

struct Checks<'p> {
    problems: &'p mut Vec<Problem>,
    lenient: &'p mut Vec<Problem>,
}

/// `scope` holds the names `{#each}` blocks around these nodes bind.
fn check_nodes<'a>(
    nodes: &'a [Node],
    parent: Option<&str>,
    queries: &[&str],
    scope: &mut Vec<&'a str>,
    checks: &mut Checks,
) {
    for node in nodes {
        match node {
            Node::Component(c) => {
                check_component(c, parent, queries, checks);
                for p in &c.props {
                    if let PropValue::Expr(text) = &p.value
                        && let Ok(e) = crate::expr::parse(text, p.value_span.start + 1)
                    {
                        check_expr(&e, queries, scope, checks.problems);
                    }
                }
                check_nodes(&c.children, Some(&c.name), queries, scope, checks);
            }
            Node::Expr { expr, .. } => check_expr(expr, queries, scope, checks.problems),
            Node::If { branches, otherwise, .. } => {
                for b in branches {
                    check_expr(&b.cond, queries, scope, checks.problems);
                    check_nodes(&b.body, parent, queries, scope, checks);
                }
                if let Some(o) = otherwise {
                    check_nodes(o, parent, queries, scope, checks);
                }
            }
            Node::Each { query, query_span, alias, index, body, .. } => {
                if crate::page::is_identifier(query) && !queries.contains(&query.as_str()) {
                    checks.problems.push(unknown_query(query, *query_span, queries));
                }
                let depth = scope.len();
                scope.push(alias);
                scope.extend(index.as_deref());
                check_nodes(body, parent, queries, scope, checks);
                scope.truncate(depth);
            }
            Node::Markdown { .. } => {}
        }
    }
}

/// Every name an expression starts from is a query, a name an `{#each}` binds, `params` or
/// `inputs`.
fn check_expr(e: &crate::expr::Expr, queries: &[&str], scope: &[&str], problems: &mut Vec<Problem>) {
    for (root, span) in e.roots() {
        if root == "params" || root == "inputs" || scope.contains(&root) || queries.contains(&root) {
            continue;
        }
        let mut known: Vec<&str> = queries.to_vec();
        known.extend(scope.iter().copied());
        problems.push(unknown_query(root, span, &known));
    }
}

pub fn unknown_query(name: &str, span: crate::Span, queries: &[&str]) -> Problem {
    let help = match suggest(name, queries.iter().copied()) {
        Some(s) => format!("did you mean `{s}`?"),
        None if queries.is_empty() => "this page defines no queries; add a ```sql fence with this name".to_string(),
        None => format!("queries on this page: {}", queries.join(", ")),
    };
    Problem::new(format!("unknown query `{name}`"), span).label("not defined on this page").help(help)
}

/// Evidence's components that hand a chart library a configuration of its own (`<ECharts
/// config={...}>`; Vega-Lite's `<VegaLite spec={...}>` and `<Vega>`), and the library.
const FOREIGN_CHARTS: &[(&str, &str)] = &[("ECharts", "ECharts"), ("VegaLite", "Vega-Lite"), ("Vega", "Vega")];

/// The chart types and marks such a configuration names, and the quire chart nearest each.
const NEAREST_CHART: &[(&str, &str)] = &[
    ("funnel", "FunnelChart"),
    ("sankey", "SankeyDiagram"),
    ("heatmap", "Heatmap"),
    ("rect", "Heatmap"),
    ("scatter", "ScatterPlot"),
    ("effectScatter", "ScatterPlot"),
    ("point", "ScatterPlot"),
    ("circle", "ScatterPlot"),
    ("area", "AreaChart"),
    ("bar", "BarChart"),
    ("pie", "BarChart"),
    ("line", "LineChart"),
];

/// `<ECharts>` and the like, refused: quire draws SVG itself. The help names the quire chart
/// nearest to the first chart type the configuration names (`type: 'bar'`, `mark: 'line'`).
fn foreign_chart(c: &Component) -> Option<Problem> {
    let (_, library) = FOREIGN_CHARTS.iter().find(|(name, _)| *name == c.name)?;
    let config: String = c
        .props
        .iter()
        .filter_map(|p| match &p.value {
            PropValue::Str(s) | PropValue::Expr(s) | PropValue::Query(s) => Some(s.as_str()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join(" ");
    let nearest = NEAREST_CHART
        .iter()
        .filter_map(|(kind, chart)| {
            ["'", "\""].iter().filter_map(|q| config.find(&format!("{q}{kind}{q}"))).min().map(|at| (at, *chart))
        })
        .min()
        .map(|(_, chart)| chart);
    let help = match nearest {
        Some(chart) => format!(
            "quire draws its charts as SVG itself, so it has no {library} to pass a configuration to; the nearest quire chart is `<{chart}>`: give it a query, `data={{my_query}}`, and name the columns it draws"
        ),
        None => format!(
            "quire draws its charts as SVG itself, so it has no {library} to pass a configuration to; write a quire chart with a query, `data={{my_query}}`: {}",
            CHARTS
                .iter()
                .chain(["Heatmap", "FunnelChart", "SankeyDiagram"].iter())
                .map(|c| format!("`<{c}>`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    Some(
        Problem::new(format!("quire does not draw `<{}>`", c.name), c.name_span)
            .label(format!("a {library} chart"))
            .help(help),
    )
}

/// The props that style a `<Chart>`'s series, by series kind; the chart the kind is drawn
/// as takes each under the same name. They style every series of the chart's first kind.
pub const SERIES_STYLES: &[(&str, &[&str])] = &[
    (
        "Line",
        &["lineWidth", "lineType", "lineOpacity", "markers", "markerShape", "markerSize", "handleMissing", "series"],
    ),
    ("Bar", &["fillOpacity", "outlineColor", "outlineWidth"]),
    ("Area", &["fillOpacity", "handleMissing", "line", "series"]),
    ("Scatter", &["opacity", "outlineColor", "outlineWidth", "pointSize", "shape"]),
    ("Bubble", &["fillColor", "opacity", "outlineColor", "outlineWidth", "shape"]),
    ("Hist", &["fillColor", "fillOpacity"]),
];

/// The prop that colours one series of a `<Chart>`, by series kind. (Bubbles and
/// histograms are drawn alone; their `fillColor` is a look, as their charts'.)
pub const SERIES_COLOUR: &[(&str, &str)] =
    &[("Line", "lineColor"), ("Bar", "fillColor"), ("Area", "fillColor"), ("Scatter", "fillColor")];

/// The styling props of a `<Chart>`'s series that quire cannot honour where they are
/// written: on the second kind of series (drawn with the chart's look), or differing
/// between two series of the first kind (each drawn with the first one's). Warnings.
fn series_style_warnings(chart: &Component, lenient: &mut Vec<Problem>) {
    let series: Vec<&Component> = chart
        .children
        .iter()
        .filter_map(|n| match n {
            Node::Component(k) if SERIES_STYLES.iter().any(|(kind, _)| *kind == k.name) => Some(k),
            _ => None,
        })
        .collect();
    let Some(first) = series.first() else { return };
    // A series' own `series` splits it: quire splits the chart's lines (or areas) when they
    // are its only kind; with two kinds, the `<Chart>`'s `series` splits them all.
    let two_kinds = series.iter().any(|k| k.name != first.name);
    for k in &series {
        if let Some(p) = k.prop("series").filter(|_| two_kinds && matches!(k.name.as_str(), "Line" | "Area")) {
            lenient.push(
                Problem::new(format!("`series` on a `<{}>` is not drawn in a chart of two kinds", k.name), p.name_span)
                    .label("drawn as if not set")
                    .help("write series=... on the `<Chart>` to split every series, or draw this one in a chart of its own"),
            );
        }
    }
    // A series split by a column's values is not one series for one colour.
    {
        for k in series.iter().filter(|k| chart.prop("series").is_some() || k.prop("series").is_some()) {
            let colour = SERIES_COLOUR.iter().find(|(kind, _)| *kind == k.name).map(|(_, p)| *p);
            if let Some(p) = colour.and_then(|c| k.prop(c)) {
                lenient.push(
                    Problem::new(
                        format!("`{}` is not drawn: `series` splits this `<{}>` by its values", p.name, k.name),
                        p.name_span,
                    )
                    .label("drawn as if not set")
                    .help("colour the split series by name with the chart's seriesColors={{'Online': '#236aa4'}}"),
                );
            }
        }
    }
    for (i, k) in series.iter().enumerate() {
        let styles = SERIES_STYLES.iter().find(|(kind, _)| *kind == k.name).map_or(&[][..], |(_, p)| *p);
        for p in k.props.iter().filter(|p| styles.contains(&p.name.as_str()) && !(two_kinds && p.name == "series")) {
            if k.name != first.name {
                lenient.push(
                    Problem::new(
                        format!("`{}` is not drawn on a `<{}>` after a `<{}>`", p.name, k.name, first.name),
                        p.name_span,
                    )
                    .label("drawn as if not set")
                    .help(format!(
                        "quire styles the first kind of series in a `<Chart>`; the others take the chart's look. Write the `<{}>` first, or draw it in a chart of its own",
                        k.name
                    )),
                );
                continue;
            }
            let earlier = series[..i].iter().filter(|e| e.name == k.name).find_map(|e| e.prop(&p.name));
            if earlier.is_some_and(|e| e.value != p.value) {
                lenient.push(
                    Problem::new(
                        format!("every `<{}>` of a `<Chart>` is drawn with the first one's `{}`", k.name, p.name),
                        p.name_span,
                    )
                    .label("drawn with the first one's")
                    .help(format!(
                        "give each `<{}>` the same `{}`, or split them into charts of their own",
                        k.name, p.name
                    )),
                );
            }
        }
    }
}

fn check_component(c: &Component, parent: Option<&str>, queries: &[&str], checks: &mut Checks) {
    if c.name == "Chart" {
        series_style_warnings(c, checks.lenient);
    }
    // A legend's filter, with no legend to put it on.
    if matches!(c.name.as_str(), "Heatmap" | "USMap" | "CalendarHeatmap")
        && c.flag("filter") == Some(true)
        && c.flag("legend") != Some(true)
        && (c.name != "CalendarHeatmap" || c.flag("legend") == Some(false))
        && let Some(p) = c.prop("filter")
    {
        checks.lenient.push(
            Problem::new("`filter` is not drawn: it sits on the legend, which this chart does not show", p.name_span)
                .label("drawn as if not set")
                .help("add legend=true, as Evidence asks"),
        );
    }
    // The picked row's looks, on a map that cannot be picked from.
    if crate::inputs::MAP_INPUTS.contains(&c.name.as_str()) && c.prop("name").is_none() {
        for p in c.props.iter().filter(|p| p.name.starts_with("selected")) {
            checks.lenient.push(
                Problem::new(format!("`{}` is not drawn: this map has no `name`, so no row can be picked", p.name), p.name_span)
                    .label("drawn as if not set")
                    .help("give the map a name (name=my_map) to make a click pick a row that queries read as ${inputs.my_map.column}"),
            );
        }
    }
    let problems = &mut *checks.problems;
    if let Some(refused) = foreign_chart(c) {
        problems.push(refused);
        return;
    }
    let Some(spec) = spec(&c.name) else {
        let help = match suggest(&c.name, all().map(|s| s.name)) {
            Some(s) => format!("did you mean `<{s}>`?"),
            None => format!("the components are: {}", all().map(|s| s.name).collect::<Vec<_>>().join(", ")),
        };
        problems.push(Problem::new(format!("unknown component `<{}>`", c.name), c.name_span).help(help));
        return;
    };
    if spec.kind == Kind::Annotation && !parent.is_some_and(|p| CHARTS.contains(&p)) {
        problems.push(Problem::new(format!("`<{}>` must be inside a chart", c.name), c.name_span).help(format!(
            "write it between `<LineChart ...>` and `</LineChart>` (or another chart: {})",
            CHARTS.join(", ")
        )));
    }
    if let Kind::Child(of) = spec.kind
        && parent != Some(of)
    {
        problems.push(
            Problem::new(format!("`<{}>` must be inside `<{of}>`", c.name), c.name_span)
                .help(format!("move it between `<{of} ...>` and `</{of}>`")),
        );
    }
    for p in &c.props {
        if !spec.props.contains(&p.name.as_str()) {
            // Evidence's components ignore props they do not declare, and real pages carry
            // them (`height` on a chart, `yGridLines` for `yGridlines`): a warning.
            let help = match suggest(&p.name, spec.props.iter().copied()) {
                Some(s) => format!("did you mean `{s}`? (quire draws the component as if it were not set)"),
                None => format!(
                    "quire draws the component as if it were not set; `<{}>` takes: {}",
                    c.name,
                    spec.props.join(", ")
                ),
            };
            checks.lenient.push(
                Problem::new(format!("`<{}>` has no prop `{}`", c.name, p.name), p.name_span)
                    .label("ignored")
                    .help(help),
            );
        }
    }
    for req in spec.required {
        if c.prop(req).is_none() {
            problems.push(Problem::new(format!("`<{}>` needs a `{req}` prop", c.name), c.name_span).help(
                if *req == "data" { "name a query: `data={my_query}`".to_string() } else { format!("add `{req}=...`") },
            ));
        }
    }
    if let Some(p) = c.prop("data") {
        match &p.value {
            PropValue::Query(q) if !queries.contains(&q.as_str()) => {
                problems.push(unknown_query(q, p.value_span, queries))
            }
            PropValue::Query(_) => {}
            // JavaScript (`data={rows.filter(...)}`, `data={[{...}]}`): the page's program makes it.
            PropValue::Expr(t)
                if matches!(crate::expr::parse_or_js(t, p.value_span.start + 1), crate::expr::Expr::Js { .. }) => {}
            _ => problems.push(Problem::new("`data` must name a query in braces", p.value_span).help(format!(
                "write `data={{{}}}`",
                match &p.value {
                    PropValue::Str(s) => s.as_str(),
                    _ => "my_query",
                }
            ))),
        }
    }
}
