//! Registry tables (企业库): industry groups and tags (dictionaries), enterprises, their tags and
//! responsible cadres, land parcels and who uses them, yearly figures, import batches.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::columns::{fk, id, index, ts};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261129_000002_registry"
    }
}

/// A dictionary table: code, name, order, active.
fn dictionary(table: &'static str) -> TableCreateStatement {
    Table::create()
        .table(table)
        .col(id())
        .col(string_uniq("code"))
        .col(string_uniq("name"))
        .col(integer("sort_order"))
        .col(boolean("active"))
        .col(ts("created_at"))
        .col(ts("updated_at"))
        .take()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(dictionary("industry_group")).await?;
        m.create_table(dictionary("tag")).await?;

        m.create_table(
            Table::create()
                .table("enterprise")
                .col(id())
                .col(string_uniq("credit_code"))
                .col(string("name"))
                .col(string_null("short_name"))
                .col(big_integer("town_id"))
                .col(string_null("park"))
                .col(big_integer("industry_group_id"))
                .col(string_null("industry_code"))
                // Effective scale (`Scale::as_str`); NULL while no revenue is known.
                .col(string_null("scale"))
                .col(boolean("scale_overridden"))
                .col(string_null("scale_override_reason"))
                .col(string("status"))
                .col(date_null("founded_on"))
                .col(string_null("address"))
                .col(string_null("legal_rep"))
                .col(string_null("contact_person"))
                .col(string_null("contact_phone"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .foreign_key(&mut fk(
                    "fk_enterprise_town",
                    ("enterprise", "town_id"),
                    "department",
                ))
                .foreign_key(&mut fk(
                    "fk_enterprise_group",
                    ("enterprise", "industry_group_id"),
                    "industry_group",
                ))
                .take(),
        )
        .await?;
        m.create_index(index(
            "ix_enterprise_town",
            "enterprise",
            &["town_id", "name"],
        ))
        .await?;
        m.create_index(index(
            "ix_enterprise_group",
            "enterprise",
            &["industry_group_id"],
        ))
        .await?;
        m.create_index(index("ix_enterprise_name", "enterprise", &["name"]))
            .await?;
        m.create_index(index(
            "ix_enterprise_scale_status",
            "enterprise",
            &["scale", "status"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("enterprise_tag")
                .col(big_integer("enterprise_id"))
                .col(big_integer("tag_id"))
                .primary_key(Index::create().col("enterprise_id").col("tag_id"))
                .foreign_key(&mut fk(
                    "fk_etag_enterprise",
                    ("enterprise_tag", "enterprise_id"),
                    "enterprise",
                ))
                .foreign_key(&mut fk("fk_etag_tag", ("enterprise_tag", "tag_id"), "tag"))
                .take(),
        )
        .await?;
        m.create_index(index(
            "ix_enterprise_tag_tag",
            "enterprise_tag",
            &["tag_id", "enterprise_id"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("enterprise_cadre")
                .col(big_integer("enterprise_id"))
                .col(big_integer("user_id"))
                .col(ts("assigned_at"))
                .primary_key(Index::create().col("enterprise_id").col("user_id"))
                .foreign_key(&mut fk(
                    "fk_ecadre_enterprise",
                    ("enterprise_cadre", "enterprise_id"),
                    "enterprise",
                ))
                .foreign_key(&mut fk(
                    "fk_ecadre_user",
                    ("enterprise_cadre", "user_id"),
                    "app_user",
                ))
                .take(),
        )
        .await?;
        m.create_index(index(
            "ix_enterprise_cadre_user",
            "enterprise_cadre",
            &["user_id", "enterprise_id"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("land_parcel")
                .col(id())
                .col(string_uniq("certificate_no"))
                .col(double("area_mu"))
                .col(string_null("location"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .take(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("parcel_use")
                .col(id())
                .col(big_integer("parcel_id"))
                .col(big_integer("enterprise_id"))
                // `LandTenure::as_str`.
                .col(string("tenure"))
                .col(string_null("lessor"))
                .col(double("area_mu"))
                .col(integer_null("from_year"))
                .col(integer_null("to_year"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .foreign_key(&mut fk(
                    "fk_puse_parcel",
                    ("parcel_use", "parcel_id"),
                    "land_parcel",
                ))
                .foreign_key(&mut fk(
                    "fk_puse_enterprise",
                    ("parcel_use", "enterprise_id"),
                    "enterprise",
                ))
                .take(),
        )
        .await?;
        m.create_index(
            index(
                "ux_parcel_use",
                "parcel_use",
                &["parcel_id", "enterprise_id"],
            )
            .unique()
            .take(),
        )
        .await?;
        m.create_index(index(
            "ix_parcel_use_enterprise",
            "parcel_use",
            &["enterprise_id"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("yearly_figures")
                .col(id())
                .col(big_integer("enterprise_id"))
                .col(integer("year"))
                .col(big_integer_null("main_revenue_yuan"))
                .col(big_integer_null("sales_revenue_yuan"))
                .col(big_integer_null("output_value_yuan"))
                .col(big_integer_null("value_added_yuan"))
                .col(big_integer_null("evaluation_tax_yuan"))
                .col(big_integer_null("rnd_expense_yuan"))
                .col(double_null("energy_tce"))
                .col(big_integer_null("power_kwh"))
                .col(big_integer_null("water_m3"))
                .col(double_null("emissions_t"))
                .col(big_integer_null("avg_staff"))
                .col(double_null("land_mu"))
                .col(boolean("safety_accident"))
                .col(boolean("environmental_accident"))
                .col(boolean("energy_task_unmet"))
                .col(boolean("falsified_data"))
                // {"field": {"source": "tax", "by": "username", "at": "RFC 3339"}}
                .col(text("sources_json"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .foreign_key(&mut fk(
                    "fk_figures_enterprise",
                    ("yearly_figures", "enterprise_id"),
                    "enterprise",
                ))
                .take(),
        )
        .await?;
        m.create_index(
            index(
                "ux_figures_enterprise_year",
                "yearly_figures",
                &["enterprise_id", "year"],
            )
            .unique()
            .take(),
        )
        .await?;
        m.create_index(index("ix_figures_year", "yearly_figures", &["year"]))
            .await?;

        m.create_table(
            Table::create()
                .table("import_batch")
                .col(id())
                // enterprises | parcels | figures
                .col(string("kind"))
                .col(integer_null("year"))
                .col(string("file_name"))
                .col(string("file_sha256"))
                // The uploaded file, kept between validation and commit; cleared afterwards.
                .col(blob_null("file_bytes"))
                // validated | failed | committed | discarded
                .col(string("status"))
                .col(text("summary_json"))
                .col(big_integer_null("created_by"))
                .col(ts("created_at"))
                .col(timestamp_with_time_zone_null("committed_at"))
                .foreign_key(&mut fk(
                    "fk_import_user",
                    ("import_batch", "created_by"),
                    "app_user",
                ))
                .take(),
        )
        .await?;
        m.create_index(index(
            "ix_import_batch_user",
            "import_batch",
            &["created_by", "created_at"],
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "import_batch",
            "yearly_figures",
            "parcel_use",
            "land_parcel",
            "enterprise_cadre",
            "enterprise_tag",
            "enterprise",
            "tag",
            "industry_group",
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
