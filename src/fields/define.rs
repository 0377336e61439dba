//! `define_group!`: a group of described fields and its typed struct, declared together.

/// Declares a group of described fields and its typed struct together, so
/// that a field is one entry: its name (the struct's field, the column,
/// the JSON key), kind, default, label, help and the switch it depends on.
macro_rules! define_group {
    (
        $(#[$meta:meta])*
        pub struct $name:ident for $group:expr, table $table:literal, title $title:literal, checks $checks:ident {
            $(
                $(#[$field_meta:meta])*
                $field:ident: $kind:ident $(($($range:tt)*))? = $default:expr,
                    $label:literal, $help:literal $(, depends on $depends:ident)?;
            )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq)]
        pub struct $name {
            $(
                $(#[$field_meta])*
                pub $field: $crate::fields::define::define_group!(@type $kind),
            )*
        }

        impl $name {
            /// The description of every field, in the order every front end shows them.
            pub const GROUP: $crate::fields::FieldGroup = $crate::fields::FieldGroup {
                group: $group,
                table: $table,
                title: $title,
                checks: $crate::fields::Checks::$checks,
                fields: &[
                    $(
                        $crate::fields::Field {
                            name: stringify!($field),
                            label: $label,
                            kind: $crate::fields::define::define_group!(@kind $kind $(($($range)*))?),
                            default: $crate::fields::define::define_group!(@value $kind $default),
                            help: $help,
                            depends_on: $crate::fields::define::define_group!(@depends $($depends)?),
                        },
                    )*
                ],
            };

            /// The values in the order of the fields' descriptions.
            pub fn values(&self) -> Vec<$crate::fields::Value> {
                vec![$($crate::fields::define::define_group!(@value $kind self.$field)),*]
            }

            /// The typed settings from values in the order of the
            /// descriptions; `None` when one is not of its field's kind.
            pub fn from_values(values: &[$crate::fields::Value]) -> Option<Self> {
                let mut values = values.iter();
                Some($name {
                    $($field: $crate::fields::define::define_group!(@take $kind values.next()?)?,)*
                })
            }
        }

        impl Default for $name {
            fn default() -> Self {
                $name { $($field: $default,)* }
            }
        }
    };
    (@type Switch) => { bool };
    (@type Whole) => { i64 };
    (@type Number) => { f64 };
    (@kind Switch) => { $crate::fields::Kind::Switch };
    (@kind Whole($min:literal to $max:literal)) => {
        $crate::fields::Kind::Whole { min: $min, max: $max }
    };
    (@kind Number($min:literal to $max:literal)) => {
        $crate::fields::Kind::Number { min: $min, min_excluded: false, max: $max }
    };
    (@kind Number(more than $min:literal to $max:literal)) => {
        $crate::fields::Kind::Number { min: $min, min_excluded: true, max: $max }
    };
    (@value Switch $value:expr) => { $crate::fields::Value::Switch($value) };
    (@value Whole $value:expr) => { $crate::fields::Value::Whole($value) };
    (@value Number $value:expr) => { $crate::fields::Value::Number($value) };
    (@take Switch $value:expr) => {
        match $value { $crate::fields::Value::Switch(v) => Some(*v), _ => None }
    };
    (@take Whole $value:expr) => {
        match $value { $crate::fields::Value::Whole(v) => Some(*v), _ => None }
    };
    (@take Number $value:expr) => {
        match $value { $crate::fields::Value::Number(v) => Some(*v), _ => None }
    };
    (@depends $depends:ident) => { Some(stringify!($depends)) };
    (@depends) => { None };
}

pub(crate) use define_group;
