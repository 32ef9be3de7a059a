<?php
/**
 * The base of the plugin's PHPUnit tests: each test runs inside a database transaction that is rolled back (what
 * WP_UnitTestCase does), with the object cache flushed around it, as a visitor unless it says otherwise, and with
 * a known proxy and catalog stored the way the settings page stores them.
 *
 * @package PayLink
 */

use PHPUnit\Framework\TestCase;

abstract class PayLinkTestCase extends TestCase {
	const PROXY = 'https://pay.example.com';

	/** What pay_link_fetch_proxy_config() stores for a proxy selling these two products, in test mode. */
	const CONFIG = array(
		'testMode'      => true,
		'products'      => array(
			array( 'id' => 'chai-tin', 'name' => 'Masala chai tin, 250 g', 'value' => 49900, 'currency' => 'INR' ),
			array( 'id' => 'bali-kopi', 'name' => 'Bali kopi, 200 g', 'value' => 15000000, 'currency' => 'IDR' ),
		),
		'originAllowed' => true,
		'checkedAt'     => 1700000000,
	);

	protected function setUp(): void {
		global $wpdb, $wp_settings_errors;
		$wpdb->query( 'START TRANSACTION' );
		wp_cache_flush();
		$wp_settings_errors = array();
		wp_set_current_user( 0 );
		$this->settings( array( 'proxy_url' => self::PROXY ) );
		update_option( PAY_LINK_CONFIG_OPTION, self::CONFIG, false );
	}

	protected function tearDown(): void {
		global $wpdb;
		$wpdb->query( 'ROLLBACK' );
		wp_cache_flush();
		wp_set_current_user( 0 );
		remove_all_filters( 'pre_http_request' );
	}

	/** Stores the plugin's settings (defaults for what is not given). */
	protected function settings( array $settings ): void {
		update_option( PAY_LINK_OPTION, array_merge( array( 'proxy_url' => self::PROXY, 'presentation' => 'auto', 'lang' => '' ), $settings ) );
	}

	/** Logs in as the site's administrator (user 1), who can edit posts and sees the plugin's notes. */
	protected function as_editor(): void {
		wp_set_current_user( 1 );
	}

	/** What a post holding `$content` renders: shortcodes and blocks, as the_content does for them. */
	protected function render( string $content ): string {
		return do_blocks( do_shortcode( $content ) );
	}

	/**
	 * Parses rendered markup the way a browser would and returns its elements as plain arrays
	 * (`tag`, `attributes` name → value, `text`), in document order: what a page would actually contain, whatever
	 * the escaping looked like.
	 *
	 * @return array<int, array{tag: string, attributes: array<string, string>, text: string}>
	 */
	protected function elements( string $html ): array {
		$doc = new DOMDocument();
		$previous = libxml_use_internal_errors( true ); // custom elements are not HTML 4 to libxml
		$doc->loadHTML( '<?xml encoding="utf-8"?><html><body>' . $html . '</body></html>', LIBXML_NOERROR );
		libxml_clear_errors();
		libxml_use_internal_errors( $previous );
		$out = array();
		foreach ( $doc->getElementsByTagName( 'body' )->item( 0 )->getElementsByTagName( '*' ) as $node ) {
			$attributes = array();
			foreach ( $node->attributes as $attribute ) {
				$attributes[ $attribute->name ] = $attribute->value;
			}
			$out[] = array( 'tag' => $node->tagName, 'attributes' => $attributes, 'text' => $node->textContent );
		}
		return $out;
	}

	/** The one `<pay-link-button>` in `$html` and its fallback link; fails unless there is exactly one of each. */
	protected function button( string $html ): array {
		$elements = $this->elements( $html );
		$buttons  = array_values( array_filter( $elements, static fn( $e ) => 'pay-link-button' === $e['tag'] ) );
		$links    = array_values( array_filter( $elements, static fn( $e ) => 'a' === $e['tag'] ) );
		$this->assertCount( 1, $buttons, "one <pay-link-button> in: {$html}" );
		$this->assertCount( 1, $links, "one fallback link in: {$html}" );
		$this->assertSame( array( 'slot', 'href' ), array_keys( $links[0]['attributes'] ), "the link has a slot and an href only: {$html}" );
		$this->assertSame( 'fallback', $links[0]['attributes']['slot'] );
		return array( 'element' => $buttons[0]['attributes'], 'href' => $links[0]['attributes']['href'], 'text' => $links[0]['text'], 'tags' => array_column( $elements, 'tag' ) );
	}
}
