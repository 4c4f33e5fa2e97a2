//! `wujin demo`'s registry: a synthetic Yongkang that looks real, written once.

use wujin_app::registry::{EnterpriseFilter, enterprises, land};
use wujin_app::{App, AppConfig, Ctx, PageRequest};
use wujin_storage::entity::{app_user, enterprise_cadre, parcel_use, yearly_figures};
use wujin_storage::sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use wujin_testkit::TestDb;

#[tokio::test]
async fn the_demo_city_is_written_once_with_firms_land_figures_and_accounts() {
    let t = TestDb::new().await;
    let app = App::new(t.db.clone(), AppConfig::default());
    assert!(wujin_app::demo::fill(&app).await.unwrap());
    let ctx = Ctx::cli();
    let all = enterprises::count(&app, &ctx).await.unwrap();
    assert_eq!(all, 4_100);
    let above = enterprises::list(
        &app,
        &ctx,
        &EnterpriseFilter {
            scale: Some("above".into()),
            ..Default::default()
        },
        PageRequest::default(),
    )
    .await
    .unwrap()
    .total;
    assert!((1_000..=1_200).contains(&above), "{above} 规上 firms");
    let db = app.db.read();
    let figures = yearly_figures::Entity::find().count(db).await.unwrap();
    assert!(figures > 12_000, "{figures} firm-years");
    // Every town has firms, and the demo town account sees only its own.
    let town = {
        let u = app_user::Entity::find()
            .filter(app_user::Column::Username.eq("town"))
            .one(db)
            .await
            .unwrap()
            .unwrap();
        Ctx::new(
            wujin_app::Actor::from_user(&u).unwrap(),
            wujin_app::RequestMeta::cli(),
        )
    };
    let mine = enterprises::list(
        &app,
        &town,
        &EnterpriseFilter::default(),
        PageRequest::default(),
    )
    .await
    .unwrap();
    assert!(mine.total > 50 && mine.total < all, "{}", mine.total);
    assert!(mine.items.iter().all(|e| e.town_name == "古山镇"));
    // The demo enterprise account speaks for one firm, and sees exactly it.
    let firm = app_user::Entity::find()
        .filter(app_user::Column::Username.eq("firm"))
        .one(db)
        .await
        .unwrap()
        .unwrap();
    let own = firm.enterprise_id.expect("the firm account is linked");
    let firm_ctx = Ctx::new(
        wujin_app::Actor::from_user(&firm).unwrap(),
        wujin_app::RequestMeta::cli(),
    );
    let seen = enterprises::list(
        &app,
        &firm_ctx,
        &EnterpriseFilter::default(),
        PageRequest::default(),
    )
    .await
    .unwrap();
    assert_eq!(
        seen.items.iter().map(|e| e.id).collect::<Vec<_>>(),
        vec![own]
    );
    // Cadres look after firms; some parcels are shared by an owner and its tenants.
    assert!(enterprise_cadre::Entity::find().count(db).await.unwrap() >= 100);
    let uses = parcel_use::Entity::find().all(db).await.unwrap();
    let mut per_parcel = std::collections::HashMap::<i64, usize>::new();
    for u in &uses {
        *per_parcel.entry(u.parcel_id).or_default() += 1;
    }
    let (shared, _) = per_parcel
        .iter()
        .find(|(_, n)| **n > 1)
        .expect("a shared parcel");
    let tenant = uses
        .iter()
        .find(|u| u.parcel_id == *shared)
        .unwrap()
        .enterprise_id;
    let parcels = land::of_enterprise(&app, &ctx, tenant).await.unwrap();
    assert!(parcels.iter().any(|p| p.users.len() > 1));
    // A second run writes nothing.
    assert!(!wujin_app::demo::fill(&app).await.unwrap());
    assert_eq!(enterprises::count(&app, &ctx).await.unwrap(), 4_100);
}
